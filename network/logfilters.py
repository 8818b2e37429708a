"""Keep the tokens of emailed links out of the request logs.

A link that confirms an email address, answers the secretariat's question or signs a member
in carries a signed token in its path, and the path is what request logs write: Django's
"Bad Request: /apply/answer/<token>/" (django.request), runserver's request lines
(django.server) and gunicorn's access log (gunicorn.access, with the Referer of the page's
own stylesheet requests). Whoever reads a log could use a token still valid. The filter
writes such a token as [token] in every record of those loggers, whatever the path.

A token is recognised by its form, as `django.core.signing` makes it: value, (timestamp,)
and a signature of at least 27 URL-safe base64 characters (sha256 writes 43), joined by
colons. Nothing else in a request line has that form.

The proxy in front of gunicorn keeps an access log of its own: it should log paths without
these links' last segment, or not at all (README).
"""

from __future__ import annotations

import logging
import re

SIGNED_TOKEN = re.compile(r"[A-Za-z0-9_\-.]+(?::[A-Za-z0-9]+)?:[A-Za-z0-9_\-]{27,}")
MASK = "[token]"
# The loggers that write request paths.
REQUEST_LOGGERS = ("django.request", "django.server", "gunicorn.access")


def mask_tokens(text: str) -> str:
    return SIGNED_TOKEN.sub(MASK, text)


class MaskLinkTokens(logging.Filter):
    """Rewrites the record's message with every signed token masked (a filter that keeps
    every record: it only changes what is written)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError, KeyError):
            return True
        masked = mask_tokens(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


def install() -> None:
    """Put the filter on the loggers that write request paths: on the loggers themselves,
    so that it holds for every handler, Django's own, gunicorn's, and any a deployment adds."""
    for name in REQUEST_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, MaskLinkTokens) for f in logger.filters):
            logger.addFilter(MaskLinkTokens())
