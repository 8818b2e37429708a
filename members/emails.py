"""Emails to applicants and members, rendered in the recipient's language.

An email kind is three templates: templates/emails/<name>_subject.txt, <name>.txt, <name>.html.
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


def render(name: str, context: dict, language: str) -> RenderedEmail:
    context = {
        "network_name": settings.NETWORK_NAME,
        "network_contact_email": settings.NETWORK_CONTACT_EMAIL,
        "site_url": settings.NETWORK_SITE_URL,
        **context,
    }
    with translation.override(language):
        subject = render_to_string(f"emails/{name}_subject.txt", context)
        return RenderedEmail(
            subject=" ".join(subject.split()),
            text=render_to_string(f"emails/{name}.txt", context),
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
