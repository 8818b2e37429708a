"""Names, addresses and postal codes take no invisible characters: no bidirectional
override or isolate (which make text read otherwise than it is), no zero-width character
(which makes two equal-looking names differ), no control character. The applicant is told
what to do next to the field. Free text (the note, an answer, what staff write) has a
length a person writes, and the applicant is told the limit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from members import services
from members.admin import QuestionForm
from members.consultations import ask_consultant
from members.decision_forms import InformationForm, RejectForm
from members.forms import AnswerForm
from members.models import Application
from members.validators import (
    ANSWER_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    no_invisible_characters,
)

from ..conftest import applicant
from .conftest import confirmed
from .page import Page

INVISIBLE = "This contains invisible characters"

CHARACTERS = {
    "left-to-right embedding": "\u202a",
    "right-to-left override": "\u202e",
    "pop directional formatting": "\u202c",
    "left-to-right isolate": "\u2066",
    "pop directional isolate": "\u2069",
    "right-to-left mark": "\u200f",
    "zero width space": "\u200b",
    "zero width joiner": "\u200d",
    "word joiner": "\u2060",
    "byte order mark": "\ufeff",
    "tab": "\t",
    "line break": "\n",
    "escape": "\x1b",
}
FIELDS = ["full_name", "street_address", "postal_code", "city"]


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("character", list(CHARACTERS.values()), ids=list(CHARACTERS))
def test_an_invisible_character_is_refused_next_to_the_field(client, alstrom, field, character):
    data = applicant("Freja Christensen", alstrom)
    value = data[field]
    data[field] = value[:2] + character + value[2:]

    response = client.post(reverse("members:apply"), data)

    assert response.status_code == 200
    page = Page(response.content)
    assert page.is_marked_invalid(field)
    assert INVISIBLE in (page.error_next_to(field) or "")
    assert not Application.objects.exists()


@pytest.mark.parametrize(
    "value",
    ["Søren Ågård", "Åse Ødegård-Ærø", "José Núñez", "Zoë O'Brien", "Анна Иванова", "محمد", "李雪"],
)
def test_names_in_any_script_are_welcome(value):
    no_invisible_characters(value)


def test_the_validator_says_what_to_do():
    with pytest.raises(ValidationError) as refused:
        no_invisible_characters("Holm\u202eesneh")

    assert refused.value.code == "invisible_characters"
    assert "Please type it again without them." in refused.value.messages[0]


def test_the_note_has_a_limit_and_says_it(client, alstrom):
    data = applicant("Freja Christensen", alstrom, note="x" * (NOTE_MAX_LENGTH + 1))

    response = client.post(reverse("members:apply"), data)

    page = Page(response.content)
    assert f"at most {NOTE_MAX_LENGTH} characters (it has {NOTE_MAX_LENGTH + 1})" in (
        page.error_next_to("note") or ""
    )
    assert [c.attrs.get("maxlength") for c in page.controls("note")] == [str(NOTE_MAX_LENGTH)]
    assert not Application.objects.exists()


def test_a_note_at_the_limit_is_taken(client, alstrom):
    data = applicant("Freja Christensen", alstrom, note="x" * NOTE_MAX_LENGTH)

    assert client.post(reverse("members:apply"), data).status_code == 302


def test_the_answer_has_a_limit_and_says_it(client, alstrom, secretariat):
    application = confirmed("Freja Christensen", alstrom)
    services.request_information(application, "Which hospital?", by=secretariat)

    response = client.post(
        services.information_url(application, 1), {"answer": "x" * (ANSWER_MAX_LENGTH + 1)}
    )

    assert f"at most {ANSWER_MAX_LENGTH} characters" in Page(response.content).text
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_INFORMATION
    assert AnswerForm({"answer": "x" * ANSWER_MAX_LENGTH}).is_valid()


def test_what_staff_write_has_a_limit(alstrom):
    application = confirmed("Freja Christensen", alstrom)
    too_long = "x" * (ANSWER_MAX_LENGTH + 1)

    assert not RejectForm(application, {"reason": too_long}).is_valid()
    assert not InformationForm(application, {"question": too_long}).is_valid()
    assert not QuestionForm({"question": too_long}).is_valid()
    assert QuestionForm({"question": "x" * ANSWER_MAX_LENGTH}).is_valid()


def test_the_consultants_answer_has_a_limit(client, secretariat, consultant, alstrom):
    consultation = ask_consultant(confirmed("Freja Christensen", alstrom), "Rare?", by=secretariat)
    client.force_login(consultant)

    response = client.post(
        reverse("admin:members_consultation_change", args=[consultation.pk]),
        {"answer": "x" * (ANSWER_MAX_LENGTH + 1), "_save": "Save"},
    )

    assert response.status_code == 200
    consultation.refresh_from_db()
    assert consultation.answered_at is None
