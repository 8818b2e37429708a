"""Rendering an email in the recipient's language, and the message every email is sent as.

An email kind is three templates: templates/emails/<name>_subject.txt, <name>.txt and
<name>.html, rendered with the network's name, contact address and site address.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation


@dataclass
class RenderedEmail:
    subject: str
    text: str
    html: str


def site_context(context: dict) -> dict:
    return {
        "network_name": settings.NETWORK_NAME,
        "network_contact_email": settings.NETWORK_CONTACT_EMAIL,
        "site_url": settings.NETWORK_SITE_URL,
        **context,
    }


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template, without the HTML escaping that HTML templates need."""
    return render_to_string(template_name, context, using="plain_text")


def render_subject(name: str, context: dict) -> str:
    return " ".join(render_text(f"emails/{name}_subject.txt", context).split())


def render(name: str, context: dict, language: str) -> RenderedEmail:
    context = site_context(context)
    with translation.override(language):
        return RenderedEmail(
            subject=render_subject(name, context),
            text=render_text(f"emails/{name}.txt", context),
            html=render_to_string(f"emails/{name}.html", context),
        )


def message(email: RenderedEmail, to: str) -> EmailMultiAlternatives:
    msg = EmailMultiAlternatives(
        email.subject,
        email.text,
        settings.DEFAULT_FROM_EMAIL,
        [to],
        reply_to=[settings.NETWORK_CONTACT_EMAIL],
    )
    msg.attach_alternative(email.html, "text/html")
    return msg
