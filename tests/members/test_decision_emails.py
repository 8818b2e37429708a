"""Each decision on the application's own page: staff read the templated email in the
applicant's language, may edit it, and the applicant is sent exactly what staff left.
Referral, asking for information, and a new group each do what they say and no more."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from django.urls import reverse

from diagnoses.models import Association, DiagnosisGroup
from members.models import Application, ApplicationEvent, Membership, Person

from .conftest import confirmed
from .page import Page
from .test_review_decisions import decide_on_page, messages_on


@pytest.fixture
def staff(client, secretariat, django_capture_on_commit_callbacks):
    client.force_login(secretariat)

    def decide(application, decision, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return decide_on_page(client, application, decision, **fields)

    return decide


@pytest.fixture
def association(kabuki):
    association = Association.objects.create(
        name="Kabuki Foreningen",
        website="https://kabuki.example.org",
        email="kontakt@kabuki.example.org",
        phone="+4533445566",
        countries=["DK"],
    )
    association.diagnoses.add(kabuki)
    return association


def draft_page(client, application, decision, **fields):
    url = reverse(f"admin:members_application_{decision}", args=[application.pk])
    return url, client.post(url, {"draft": "Show the email", **fields})


def test_the_email_is_drafted_in_the_applicants_language_for_staff_to_read(
    client, secretariat, kabuki, association, mailoutbox
):
    client.force_login(secretariat)
    application = confirmed("Freja Christensen", kabuki, language="en")

    _url, response = draft_page(client, application, "refer", association=association.pk)

    form = response.context["form"]
    assert response.context["drafted"]
    assert "in English" in Page(response.content).text
    assert form["text"].value().startswith("Dear Freja Christensen,")
    assert "Kabuki Foreningen" in form["text"].value()
    assert mailoutbox == [], "nothing is sent before staff send it"
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_REVIEW


def test_the_applicant_is_sent_the_email_as_staff_edited_it(
    client, secretariat, kabuki, association, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    application = confirmed("Freja Christensen", kabuki, language="en")
    mailoutbox.clear()
    url, response = draft_page(client, application, "refer", association=association.pk)
    form = response.context["form"]
    edited = (
        form["text"]
        .value()
        .replace("Dear Freja Christensen,", "Dear Freja,\n\nThank you for calling us on Monday.")
    )

    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "association": association.pk,
                "subject": "About your application",
                "text": edited,
                "drafted_for": form["drafted_for"].value(),
                "send": "Send",
            },
        )

    [email] = mailoutbox
    assert email.subject == "About your application"
    assert email.body == edited
    html = email.alternatives[0][0]
    assert "Thank you for calling us on Monday." in html
    assert '<a href="https://kabuki.example.org"' in html
    [event] = application.events.filter(action=ApplicationEvent.Action.REFERRED)
    assert event.email.text == edited


def test_changing_the_choice_after_the_draft_drafts_the_email_again(
    client, secretariat, alstrom, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(secretariat)
    application = confirmed("Freja Christensen", alstrom, language="en")
    mailoutbox.clear()
    url, response = draft_page(client, application, "reject", reason="First reason.")
    form = response.context["form"]

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "reason": "Second reason.",
                "subject": form["subject"].value(),
                "text": form["text"].value(),
                "drafted_for": form["drafted_for"].value(),
                "send": "Send",
            },
        )

    assert "the email was drafted again: read it first" in messages_on(response)
    assert "Second reason." in response.context["form"]["text"].value()
    assert mailoutbox == []
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_REVIEW


def test_referral_sends_the_associations_contact_details_and_admits_no_one(
    staff, secretariat, kabuki, association, settled_member, mailoutbox
):
    settled_member("Mette Holm", kabuki)
    application = confirmed("Freja Christensen", kabuki, language="en")
    mailoutbox.clear()

    response = staff(application, "refer", association=association.pk)

    assert "Application referred." in messages_on(response)
    application.refresh_from_db()
    assert application.status == Application.Status.REFERRED
    assert application.referred_to == association
    assert application.decided_by == secretariat
    [email] = mailoutbox
    assert email.to == ["freja.christensen@example.org"]
    for detail in (
        "Kabuki Foreningen",
        "https://kabuki.example.org",
        "kontakt@kabuki.example.org",
        "+45 33 44 55 66",
    ):
        assert detail in email.body
    [event] = application.events.filter(action=ApplicationEvent.Action.REFERRED)
    assert (event.by, event.note) == (secretariat, "Kabuki Foreningen")
    assert not Membership.objects.filter(application=application).exists()
    assert Person.objects.count() == 1


def test_the_referral_offers_the_association_that_covers_the_diagnosis(
    client, secretariat, kabuki, association
):
    client.force_login(secretariat)
    application = confirmed("Freja Christensen", kabuki)

    response = client.get(reverse("admin:members_application_refer", args=[application.pk]))

    assert response.context["form"]["association"].value() == association.pk


def test_asking_for_information_waits_for_the_answer_and_returns_to_the_queue(
    staff, client, secretariat, alstrom, mailoutbox
):
    application = confirmed("Freja Christensen", diagnosis_text="Et sjældent syndrom")
    confirmed_at = application.confirmed_at
    mailoutbox.clear()
    question = "Which hospital department made the diagnosis?"

    response = staff(application, "ask", question=question)

    assert "The applicant is asked for more information." in messages_on(response)
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_INFORMATION
    queue = client.get(reverse("admin:members_reviewqueue_changelist")).content.decode()
    assert "Freja Christensen" not in queue
    [email] = mailoutbox
    assert question in email.body
    link = urlparse(re.search(r"https?://\S+/apply/answer/\S+/", email.body).group(0)).path

    client.logout()
    page = client.get(link)
    assert question in page.content.decode()
    empty = client.post(link, {"answer": "  "})
    assert Page(empty.content).is_marked_invalid("answer")
    answered = client.post(link, {"answer": "Rigshospitalet, klinisk genetik."})

    assert "Thank you for your answer" in answered.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_REVIEW
    assert application.confirmed_at == confirmed_at, "it keeps its place in the queue"
    [asked] = application.events.filter(action=ApplicationEvent.Action.INFORMATION_REQUESTED)
    assert (asked.by, asked.note) == (secretariat, question)
    [answer] = application.events.filter(action=ApplicationEvent.Action.INFORMATION_RECEIVED)
    assert answer.note == "Rigshospitalet, klinisk genetik."
    again = client.post(link, {"answer": "A second answer."})
    assert "handled already" not in again.content.decode()
    assert application.events.filter(action=answer.action).count() == 1
    client.force_login(secretariat)
    queue = client.get(reverse("admin:members_reviewqueue_changelist")).content.decode()
    assert "Freja Christensen" in queue


def test_a_forged_answer_link_is_refused(client):
    response = client.get("/apply/answer/not-a-real-token/")

    assert response.status_code == 400


def test_a_new_group_is_created_from_the_diagnosis_and_the_applicant_admitted(
    staff, secretariat, kabuki, mailoutbox
):
    application = confirmed("Freja Christensen", kabuki, language="en")
    mailoutbox.clear()

    response = staff(application, "new_group", name="Kabuki syndrome", diagnosis=kabuki.pk)

    assert "Application approved into a new group." in messages_on(response)
    group = DiagnosisGroup.objects.get(name="Kabuki syndrome")
    assert list(group.diagnoses.all()) == [kabuki]
    assert Membership.objects.get(application=application).group == group
    approval, welcome = mailoutbox
    assert "You are now a member of the group for Kabuki syndrome." in approval.body
    assert "Freja Christensen" in welcome.body


def test_a_new_group_cannot_take_the_name_of_an_existing_one(
    staff, kabuki, settled_member, mailoutbox
):
    settled_member("Mette Holm")
    application = confirmed("Freja Christensen", kabuki)
    mailoutbox.clear()

    response = staff(application, "new_group", name="alström syndrome", diagnosis=kabuki.pk)

    assert "exists already: approve into it instead" in messages_on(response)
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_REVIEW
    assert mailoutbox == []


def test_a_closed_group_is_not_offered(client, secretariat, alstrom, settled_member):
    settled_member("Mette Holm")
    DiagnosisGroup.objects.update(status=DiagnosisGroup.Status.CLOSED)
    client.force_login(secretariat)
    application = confirmed("Freja Christensen", alstrom)

    response = client.get(reverse("admin:members_application_approve", args=[application.pk]))

    assert "Alström syndrome" not in str(response.context["form"]["group"])


def test_the_answer_link_opens_the_page_in_the_applicants_language(
    staff, client, alstrom, mailoutbox
):
    application = confirmed("Ingrid Lund", alstrom, language="sv")
    mailoutbox.clear()

    staff(application, "ask", question="Vilken klinik ställde diagnosen?")

    [email] = mailoutbox
    link = urlparse(re.search(r"https?://\S+/apply/answer/\S+/", email.body).group(0)).path
    assert link.startswith("/sv/apply/answer/")
    client.logout()
    page = client.get(link).content.decode()
    assert '<html lang="sv"' in page
    assert "Vilken klinik ställde diagnosen?" in page
