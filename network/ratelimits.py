"""Rate limits on the public forms, with one calm page when a limit is reached.

Each limit is a group named in `settings.RATELIMITS` with a django-ratelimit rate
("20/h": twenty an hour), counted per visitor's address or per another key, such as the
email address typed into the form. The counts live in the default cache, which production
shares between its workers (Redis). Over the limit, the visitor gets `templates/429.html`:
status 429, a Retry-After header, and how long to wait, in their language.

A view takes a limit with the decorator:

    @limited("sign-in")                               # per address, on POST
    @limited("sign-in-email", key=posted("email"))    # per email address typed
    def request_sign_in_link(request): ...

or, for a count that depends on what the form made of the request, calls
`over_limit(request, "apply-email", email)` and returns the response it gets, if any.

When the cache does not answer, the limits let everyone through (and log it): the forms
stay open during a Redis outage, as the rest of the site does.
"""

from __future__ import annotations

import ipaddress
import logging
import math
from collections.abc import Callable, Collection
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django_ratelimit import ALL
from django_ratelimit.core import get_usage
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

Key = Callable[[HttpRequest], str]

# An IPv6 visitor usually holds a whole /64: counting single addresses would let them
# take a fresh one for each request.
IPV6_PREFIX = 64


def client_ip(request: HttpRequest) -> str:
    """The visitor's address: behind a proxy, from the header that RATELIMIT_IP_META_KEY
    names (e.g. HTTP_X_REAL_IP, which the proxy sets); else, or when that holds no address,
    REMOTE_ADDR. Of a list (X-Forwarded-For), the last entry: the one the proxy added, after
    whatever the visitor wrote into the header themselves."""
    header = getattr(settings, "RATELIMIT_IP_META_KEY", None)
    if isinstance(header, str) and header:
        forwarded = request.META.get(header, "").split(",")[-1].strip()
        if _is_address(forwarded):
            return forwarded
    return request.META.get("REMOTE_ADDR") or ""


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def ip_key(request: HttpRequest) -> str:
    """The key an address is counted under: the address, or its /64 for IPv6."""
    address = client_ip(request)
    if not _is_address(address):
        return address
    if ipaddress.ip_address(address).version == 6:
        return str(ipaddress.ip_network(f"{address}/{IPV6_PREFIX}", strict=False))
    return address


def posted(field: str) -> Key:
    """A key from a field of the POSTed form, such as an email address, compared as
    written but for case and surrounding spaces. An empty field is not counted."""

    def key(request: HttpRequest) -> str:
        return request.POST.get(field, "").strip().lower()

    return key


def over_limit(request: HttpRequest, group: str, value: str) -> HttpResponse | None:
    """Count one request against the group's limit for `value`; the page that asks the
    visitor to wait when this one is over it, else None. A group without a rate in
    settings.RATELIMITS, or an empty value, is not limited."""
    rate = settings.RATELIMITS.get(group)
    if not rate or not value:
        return None
    try:
        usage = get_usage(
            request,
            group=group,
            key=lambda _group, _request: value,
            rate=rate,
            method=ALL,
            increment=True,
        )
    except (RedisError, OSError):
        logger.warning("rate limit %s not counted: the cache does not answer", group)
        return None
    if usage is None or not usage["should_limit"]:
        return None
    return too_many_requests(request, usage["time_left"])


def limited(
    group: str,
    *,
    key: Key = ip_key,
    methods: Collection[str] = ("POST",),
    only: Callable[[HttpRequest], bool] | None = None,
):
    """Limit a view's requests by `methods` (POST unless told) to the group's rate in
    settings.RATELIMITS, per visitor's address unless `key` says what else to count by;
    `only` narrows the requests counted (e.g. a form's search button, not its submission)."""

    def decorator(view):
        @wraps(view)
        def limited_view(request: HttpRequest, *args, **kwargs):
            if request.method in methods and (only is None or only(request)):
                refusal = over_limit(request, group, key(request))
                if refusal is not None:
                    return refusal
            return view(request, *args, **kwargs)

        return limited_view

    return decorator


def too_many_requests(request: HttpRequest, seconds: int) -> HttpResponse:
    """The calm page that says how long to wait, with status 429 and Retry-After."""
    seconds = max(int(seconds), 1)
    minutes = math.ceil(seconds / 60)
    context = {"minutes": minutes, "hours": math.ceil(minutes / 60) if minutes > 90 else 0}
    response = render(request, "429.html", context, status=429)
    response["Retry-After"] = str(seconds)
    return response
