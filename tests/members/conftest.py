"""Helpers for the sign-up and review tests: applications in a given state, members whose
group list has already gone out."""

from __future__ import annotations

import pytest

from members import services
from members.models import Application, Person

from ..conftest import ALL_CONSENTS, admit
from ..seeding import applicant_details


def submitted(
    name: str,
    diagnosis=None,
    *,
    diagnosis_text: str = "",
    email: str | None = None,
    language: str | None = None,
) -> Application:
    """An application as the form records it, email not yet confirmed; filled in in
    `language`, or else in the site's default language."""
    details = applicant_details(
        name,
        diagnosis,
        diagnosis_text=diagnosis_text,
        **({"email": email} if email else {}),
        **({"language": language} if language else {}),
    )
    return services.submit_application(details, ALL_CONSENTS)


def confirmed(name: str, diagnosis=None, **kwargs) -> Application:
    """An application in the review queue."""
    application = submitted(name, diagnosis, **kwargs)
    services.confirm_email(application)
    application.refresh_from_db()
    return application


@pytest.fixture
def settled_member(alstrom, secretariat, django_capture_on_commit_callbacks, mailoutbox):
    """A member of the Alström group whose welcome list has gone out already."""

    def make(name: str, diagnosis=None) -> Person:
        with django_capture_on_commit_callbacks(execute=True):
            person = admit(name, diagnosis or alstrom, secretariat).person
        mailoutbox.clear()
        return person

    return make
