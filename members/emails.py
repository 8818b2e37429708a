"""Emails to applicants and members, rendered in the recipient's language.

An email kind is three templates: templates/emails/<name>_subject.txt, <name>.txt, <name>.html.
A decision email is a draft instead (<name>_subject.txt and <name>.txt) that staff may edit
before it is sent; its HTML part is made from the text as sent.
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


@dataclass
class Draft:
    subject: str
    text: str


def _site_context(context: dict) -> dict:
    return {
        "network_name": settings.NETWORK_NAME,
        "network_contact_email": settings.NETWORK_CONTACT_EMAIL,
        "site_url": settings.NETWORK_SITE_URL,
        **context,
    }


def render_text(template_name: str, context: dict) -> str:
    """A plain-text template, without the HTML escaping that HTML templates need."""
    return render_to_string(template_name, context, using="plain_text")


def _subject(name: str, context: dict) -> str:
    return " ".join(render_text(f"emails/{name}_subject.txt", context).split())


def render(name: str, context: dict, language: str) -> RenderedEmail:
    context = _site_context(context)
    with translation.override(language):
        return RenderedEmail(
            subject=_subject(name, context),
            text=render_text(f"emails/{name}.txt", context),
            html=render_to_string(f"emails/{name}.html", context),
        )


def draft(name: str, context: dict, language: str) -> Draft:
    context = _site_context(context)
    with translation.override(language):
        return Draft(
            subject=_subject(name, context),
            text=render_text(f"emails/{name}.txt", context).strip() + "\n",
        )


def from_draft(email: Draft, language: str) -> RenderedEmail:
    """The email as staff left it, with an HTML part that says exactly the same."""
    with translation.override(language):
        html = render_to_string(
            "emails/applicant_message.html",
            {"text": email.text},
        )
    return RenderedEmail(subject=" ".join(email.subject.split()), text=email.text, html=html)


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
