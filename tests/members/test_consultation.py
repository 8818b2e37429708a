"""Asking the medical consultant: the secretariat asks about an application from its page;
the consultant reads only the anonymised case (the catalogue entry, an age band, the
country when enough people share the diagnosis, the question) and answers in admin; the
secretariat reads the answer, and both the question and the answer are logged on the
application with who and when. Nothing the applicant wrote reaches the consultant, not
even the diagnosis as they typed it."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.consultations import (
    ConsultationRefused,
    age_band,
    anonymised_case,
    answer_consultation,
    ask_consultant,
)
from members.models import Application, ApplicationEvent, Consultation
from members.services import reject_application

from .conftest import confirmed
from .page import Page

QUESTION = "Is this rare enough for the network, or part of a larger group?"
ANSWER = "Rare: fewer than 100 known cases in the Nordic countries. A group of its own."
# The applicant, as only the secretariat may know them.
NAME = "Freja Christensen"
PERSONAL = [NAME, "freja.christensen@example.org", "Skovvej 12", "Aarhus", "20123456"]


@pytest.fixture
def application(alstrom):
    """An application whose diagnosis was typed, for a person in their forties."""
    application = confirmed(NAME, diagnosis_text="Alstrom syndrome")
    Application.objects.filter(pk=application.pk).update(
        birth_year=timezone.localdate().year - 42, note="Please do not call before noon."
    )
    application.refresh_from_db()
    return application


def page_text(response) -> str:
    assert response.status_code == 200
    return Page(response.content).text


def cases_listed(response) -> int:
    assert response.status_code == 200
    return len(Page(response.content).with_class("field-case"))


def ask_url(application) -> str:
    return reverse("admin:members_application_ask_consultant", args=[application.pk])


def assert_nothing_personal(response) -> None:
    html = response.content.decode()
    for personal in [*PERSONAL, "Please do not call before noon."]:
        assert personal not in html


@pytest.mark.parametrize(
    ("birth_year", "band"),
    [
        (2025, "0-4"),
        (2021, "0-4"),
        (2020, "5-11"),
        (2014, "5-11"),
        (2013, "12-17"),
        (2008, "12-17"),
        (2007, "18-29"),
        (1996, "18-29"),
        (1995, "30-49"),
        (1976, "30-49"),
        (1975, "50-69"),
        (1956, "50-69"),
        (1955, "70+"),
        (1905, "70+"),
        (None, ""),
        (2026, ""),
    ],
)
def test_the_age_band_is_wide_and_empty_when_the_birth_year_is_not_known(birth_year, band):
    assert age_band(birth_year, date(2025, 6, 1)) == band


def test_the_secretariat_asks_the_consultant_answers_and_the_secretariat_reads_the_answer(
    client, secretariat, consultant, application, alstrom
):
    client.force_login(secretariat)
    on_the_page = client.get(reverse("admin:members_application_change", args=[application.pk]))
    assert ask_url(application) in on_the_page.content.decode()

    asking = page_text(client.get(ask_url(application)))
    assert "Alstrom syndrome" not in asking, "what the applicant typed is not in the case"
    assert "None: the applicant typed the diagnosis" in asking
    assert "30-49" in asking
    assert "left out" in asking, "no country for a diagnosis nobody is known to share"
    response = client.post(ask_url(application), {"question": QUESTION}, follow=True)

    assert response.redirect_chain[-1][0] == reverse(
        "admin:members_application_change", args=[application.pk]
    )
    consultation = Consultation.objects.get()
    assert consultation.application == application
    assert consultation.diagnosis is None
    assert consultation.age_band == "30-49"
    assert consultation.country == ""
    assert consultation.question == QUESTION
    assert consultation.asked_by == secretariat

    client.force_login(consultant)
    cases = page_text(client.get(reverse("admin:members_consultation_changelist")))
    assert f"Case {consultation.pk}" in cases
    assert "no catalogue entry: see the question" in cases
    case_url = reverse("admin:members_consultation_change", args=[consultation.pk])
    case = client.get(case_url)
    assert_nothing_personal(case)
    assert reverse("admin:members_application_change", args=[application.pk]) not in (
        case.content.decode()
    )
    text = page_text(case)
    for shown in [QUESTION, "30-49"]:
        assert shown in text
    for hidden in ["Alstrom syndrome", "Denmark", str(alstrom), "catalogue matches"]:
        assert hidden not in text
    response = client.post(case_url, {"answer": ANSWER, "_save": "Save"}, follow=True)
    assert response.status_code == 200
    consultation.refresh_from_db()
    assert consultation.answer == ANSWER
    assert consultation.answered_by == consultant
    assert consultation.answered_at is not None

    client.force_login(secretariat)
    assert ANSWER in page_text(client.get(case_url))
    on_the_application = page_text(
        client.get(reverse("admin:members_application_change", args=[application.pk]))
    )
    assert QUESTION in on_the_application
    assert ANSWER in on_the_application
    asked, answered = application.events.filter(
        action__in=[
            ApplicationEvent.Action.CONSULTANT_ASKED,
            ApplicationEvent.Action.CONSULTANT_ANSWERED,
        ]
    ).order_by("at", "pk")
    assert (asked.action, asked.by, asked.note) == ("consultant_asked", secretariat, QUESTION)
    assert (answered.action, answered.by, answered.note) == (
        "consultant_answered",
        consultant,
        ANSWER,
    )


def test_the_case_copies_the_catalogue_diagnosis_and_nothing_personal(secretariat, alstrom):
    application = confirmed(NAME, alstrom)

    consultation = ask_consultant(application, f"  {QUESTION}\n", by=secretariat)

    assert consultation.diagnosis == alstrom
    assert consultation.question == QUESTION
    copied = " ".join(
        str(getattr(consultation, field.attname))
        for field in Consultation._meta.concrete_fields
        if field.name != "application"
    )
    for personal in PERSONAL:
        assert personal not in copied


@pytest.mark.parametrize("question", ["", "   \n"])
def test_an_empty_question_is_refused(secretariat, application, question):
    with pytest.raises(ConsultationRefused, match="Write the question"):
        ask_consultant(application, question, by=secretariat)

    assert not Consultation.objects.exists()
    assert not application.events.filter(action="consultant_asked").exists()


@pytest.mark.parametrize("answer", ["", "  "])
def test_an_empty_answer_is_refused(secretariat, consultant, application, answer):
    consultation = ask_consultant(application, QUESTION, by=secretariat)

    with pytest.raises(ConsultationRefused, match="Write the answer"):
        answer_consultation(consultation, answer, by=consultant)

    consultation.refresh_from_db()
    assert consultation.answered_at is None
    assert not application.events.filter(action="consultant_answered").exists()


def test_saving_the_case_page_without_an_answer_asks_for_one(
    client, secretariat, consultant, application
):
    consultation = ask_consultant(application, QUESTION, by=secretariat)
    client.force_login(consultant)

    response = client.post(
        reverse("admin:members_consultation_change", args=[consultation.pk]), {"answer": ""}
    )

    assert response.status_code == 200
    assert "This field is required." in page_text(response)
    consultation.refresh_from_db()
    assert consultation.answered_at is None


def test_a_corrected_answer_replaces_the_first_and_the_log_keeps_both(
    secretariat, consultant, application
):
    consultation = ask_consultant(application, QUESTION, by=secretariat)
    answer_consultation(consultation, "Not rare.", by=consultant)
    answer_consultation(consultation, ANSWER, by=consultant)
    answer_consultation(consultation, ANSWER, by=consultant)

    consultation.refresh_from_db()
    assert consultation.answer == ANSWER
    notes = application.events.filter(action="consultant_answered").values_list("note", flat=True)
    assert list(notes) == ["Not rare.", ANSWER]


def test_the_consultant_cannot_ask_or_delete(client, secretariat, consultant, application):
    consultation = ask_consultant(application, QUESTION, by=secretariat)
    client.force_login(consultant)
    delete_url = reverse("admin:members_consultation_delete", args=[consultation.pk])

    assert client.get(ask_url(application)).status_code == 403
    assert client.post(ask_url(application), {"question": QUESTION}).status_code == 403
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert Consultation.objects.count() == 1


def test_staff_who_may_not_read_applications_cannot_ask_about_one(
    client, django_user_model, application
):
    user = django_user_model.objects.create_user("tom", password="s3cret-pass", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="add_consultation"))
    client.force_login(user)

    assert client.get(ask_url(application)).status_code == 403
    assert client.post(ask_url(application), {"question": QUESTION}).status_code == 403
    assert not Consultation.objects.exists()


def test_the_question_form_names_only_the_application_asked_about(
    client, secretariat, application, alstrom
):
    confirmed("Jonas Berg", alstrom)
    client.force_login(secretariat)

    response = client.get(ask_url(application))

    page = Page(response.content)
    assert page.controls("application") == []
    assert NAME in page.text
    assert "Jonas Berg" not in page.text


@pytest.mark.parametrize("object_id", ["x", "999999"])
def test_asking_needs_an_application(client, secretariat, application, object_id):
    client.force_login(secretariat)

    response = client.get(reverse("admin:members_application_ask_consultant", args=[object_id]))

    assert response.status_code == 404


def test_a_case_is_never_added_from_the_list_of_cases(client, secretariat, application):
    client.force_login(secretariat)

    response = client.get(reverse("admin:members_consultation_add"))

    assert response.status_code == 403
    cases = client.get(reverse("admin:members_consultation_changelist"))
    assert cases.status_code == 200
    assert reverse("admin:members_consultation_add") not in cases.content.decode()
    assert not Consultation.objects.exists()


def test_an_empty_question_is_asked_for_again_on_the_page(client, secretariat, application):
    client.force_login(secretariat)

    response = client.post(ask_url(application), {"question": "  "})

    assert "This field is required." in page_text(response)
    assert not Consultation.objects.exists()


def test_the_list_of_cases_costs_the_same_number_of_queries_at_any_size(
    client, secretariat, consultant, application, alstrom, django_assert_num_queries
):
    client.force_login(consultant)
    url = reverse("admin:members_consultation_changelist")
    client.get(url)  # what is cached once per process is not the page's cost
    ask_consultant(application, QUESTION, by=secretariat)
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert cases_listed(response) == 1

    for number in range(20):
        other = confirmed(
            f"Applicant {number}", alstrom if number % 2 else None, diagnosis_text="x"
        )
        answer_consultation(ask_consultant(other, QUESTION, by=secretariat), ANSWER, by=consultant)
    with django_assert_num_queries(len(one)):
        response = client.get(url)

    assert cases_listed(response) == 21


def test_the_case_has_no_place_for_the_diagnosis_as_typed(secretariat, application):
    consultation = ask_consultant(application, QUESTION, by=secretariat)

    with pytest.raises(FieldDoesNotExist):
        Consultation._meta.get_field("diagnosis_text")
    copied = " ".join(
        str(getattr(consultation, field.attname)) for field in Consultation._meta.concrete_fields
    )
    assert "Alstrom" not in copied


@pytest.mark.parametrize(("others", "country"), [(3, ""), (4, "DK")])
def test_the_country_is_left_out_while_few_people_share_the_diagnosis(
    settings, alstrom, others, country
):
    settings.CONSULTANT_COUNTRY_MIN_GROUP = 5
    application = confirmed(NAME, alstrom)
    for number in range(others):
        confirmed(f"Applicant {number}", alstrom)
    # Someone with another diagnosis does not count.
    confirmed("Ida Berg", diagnosis_text="Et andet syndrom")

    assert anonymised_case(application)["country"] == country


def test_a_rejected_application_does_not_count_towards_the_group(settings, secretariat, alstrom):
    settings.CONSULTANT_COUNTRY_MIN_GROUP = 2
    application = confirmed(NAME, alstrom)
    other = confirmed("Bo Dahl", alstrom)
    assert anonymised_case(application)["country"] == "DK"

    reject_application(other, "Not rare enough.", by=secretariat)

    assert anonymised_case(application)["country"] == ""


def test_a_case_without_a_catalogue_entry_never_names_the_country(settings, application):
    settings.CONSULTANT_COUNTRY_MIN_GROUP = 0

    assert anonymised_case(application) == {
        "diagnosis": None,
        "age_band": "30-49",
        "country": "",
    }


def test_the_question_form_tells_staff_to_describe_a_diagnosis_without_an_entry(
    client, secretariat, application
):
    client.force_login(secretariat)

    text = page_text(client.get(ask_url(application)))

    assert "describe the diagnosis in your own words" in text
