"""Emails to applicants, in the applicant's language.

A decision email is a draft (templates/emails/<name>_subject.txt and <name>.txt) that staff
may edit before it is sent; its HTML part is made from the text as sent. Rendering and
sending are the outbox's (`outbox.emails`, `outbox.services`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils import translation

from outbox.emails import RenderedEmail, render, render_subject, render_text, site_context
from outbox.models import OutgoingEmail

from .models import ApplicationEvent

__all__ = ["Draft", "RenderedEmail", "applicant_of", "draft", "from_draft", "render"]


@dataclass
class Draft:
    subject: str
    text: str


def draft(name: str, context: dict, language: str) -> Draft:
    context = site_context(context)
    with translation.override(language):
        return Draft(
            subject=render_subject(name, context),
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


def applicant_of(email: OutgoingEmail) -> tuple[str, uuid.UUID] | None:
    """The application an email to an applicant answered, for the access log (registered
    with the outbox in apps.py); None once the application is gone."""
    pseudonym = (
        ApplicationEvent.objects.filter(email=email)
        .values_list("application__pseudonym", flat=True)
        .first()
    )
    return None if pseudonym is None else ("application", pseudonym)
