"""An HTML email says which language it is written in (<html lang>), so that a screen reader
reads a Swedish email with a Swedish voice: the reader's language, as the text is."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.conf import settings

from ..conftest import applicant

EMAIL_TEMPLATES = Path(settings.BASE_DIR) / "templates" / "emails"


@pytest.mark.parametrize("language", ["sv", "fi"])
def test_an_applicants_confirmation_email_names_their_language(
    client, alstrom, mailoutbox, django_capture_on_commit_callbacks, language
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/{language}/apply/", applicant("Freja Christensen", alstrom))

    [email] = mailoutbox
    [(html, _mimetype)] = email.alternatives
    assert re.search(rf'<html lang="{language}">', html)


def test_every_html_email_names_its_language():
    documents = [
        path.name
        for path in EMAIL_TEMPLATES.glob("*.html")
        if "<html" in path.read_text(encoding="utf-8")
    ]
    assert documents
    unnamed = [
        name
        for name in documents
        if '<html lang="{{ language }}">' not in (EMAIL_TEMPLATES / name).read_text()
        or "{% get_current_language as language %}" not in (EMAIL_TEMPLATES / name).read_text()
    ]
    assert unnamed == []
