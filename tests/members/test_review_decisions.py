"""The secretariat's decisions in admin, from the queue's action and from the application's
own page: approving admits the applicant and sends them the group's list; rejecting tells
them why. Every decision is logged with who made it; a decision that does not fit changes
nothing and says why."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from diagnoses.models import DiagnosisGroup
from members.models import Application, ApplicationEvent, Membership, Person
from outbox.models import OutgoingEmail

from .conftest import confirmed, submitted
from .page import Page

QUEUE = "admin:members_reviewqueue_changelist"
APPLICATIONS = "admin:members_application_changelist"
VIA = ["list-action", "detail-page"]
FREE_TEXT_NEEDS_GROUP = "The diagnosis was typed as free text: choose the group to approve into."
REQUIRED = "This field is required."


@pytest.fixture
def decide(db, client, secretariat, mailoutbox, django_capture_on_commit_callbacks):
    """Post a decision as the secretariat would, and follow where admin leads."""
    client.force_login(secretariat)

    def post(application, decision: str, via: str, changelist: str = QUEUE, **fields):
        if via == "list-action":
            url = reverse(changelist)
            data = {
                "action": decision,
                ACTION_CHECKBOX_NAME: [application.pk],
                "confirm": "Confirm",
                **fields,
            }
        else:
            with django_capture_on_commit_callbacks(execute=True):
                return decide_on_page(client, application, decision, **fields)
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(url, data, follow=True)

    return post


def decide_on_page(client, application, decision: str, **fields):
    """Ask for the email, then send it unchanged: the two steps of a decision page."""
    url = reverse(f"admin:members_application_{decision}", args=[application.pk])
    response = client.post(url, {"draft": "Show the email", **fields}, follow=True)
    if not response.context.get("drafted"):
        return response
    form = response.context["form"]
    drafted = {name: form[name].value() for name in ("subject", "text", "drafted_for")}
    return client.post(url, {**fields, **drafted, "send": "Send"}, follow=True)


def messages_on(response) -> str:
    """What admin says: its messages, and on a decision page the form's errors."""
    said = [str(message) for message in response.context["messages"]]
    form = response.context.get("form")
    if form is not None and form.is_bound:
        said += [str(error) for errors in form.errors.values() for error in errors]
    return " ".join(said)


def assert_undecided(application: Application) -> None:
    application.refresh_from_db()
    assert application.decided_at is None
    assert application.decided_by is None
    assert application.person is None
    assert not Membership.objects.filter(application=application).exists()
    assert not application.events.filter(
        action__in=[ApplicationEvent.Action.APPROVED, ApplicationEvent.Action.REJECTED]
    ).exists()


@pytest.mark.parametrize("via", VIA)
def test_approving_admits_the_applicant_into_the_group_of_the_diagnosis(
    decide, secretariat, settled_member, alstrom, via
):
    mette = settled_member("Mette Holm")
    application = confirmed("Freja Christensen", alstrom)

    response = decide(application, "approve", via, group="")

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse(QUEUE)
    assert "application approved." in messages_on(response).lower()
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED
    assert application.decided_by == secretariat
    person = Person.objects.get(email__iexact="freja.christensen@example.org")
    assert (person.full_name, person.postal_code, person.phone.as_e164) == (
        "Freja Christensen",
        "8000",
        "+4520123456",
    )
    [membership] = Membership.objects.active().filter(person=person)
    assert membership.group == mette.memberships.get().group
    assert membership.application == application
    [event] = application.events.filter(action=ApplicationEvent.Action.APPROVED)
    assert event.by == secretariat
    assert "Freja Christensen" not in names_in_queue(response)


def names_in_queue(response) -> str:
    page = Page(response.content)
    table = page.by_id("result_list")
    return table.text if table else ""


@pytest.mark.parametrize("via", VIA)
def test_the_new_member_is_welcomed_with_the_group_list(
    decide, settled_member, alstrom, mailoutbox, via
):
    settled_member("Mette Holm")
    settled_member("Jonas Berg")
    application = confirmed("Freja Christensen", alstrom)

    decide(application, "approve", via, group="")

    approval, welcome = [m for m in mailoutbox if m.to == ["freja.christensen@example.org"]]
    assert approval.subject == f"Your application to {settings.NETWORK_NAME}: approved"
    assert "You are now a member of the group for Alström syndrome" in approval.body
    assert "Welcome" in welcome.subject
    assert "Alström syndrome" in welcome.subject
    for name in ("Mette Holm", "Jonas Berg", "Freja Christensen"):
        assert name in welcome.body
    assert "mette.holm@example.org" in welcome.body
    # The others are sent the updated list, not a welcome.
    [update] = [m for m in mailoutbox if m.to == ["mette.holm@example.org"]]
    assert "Welcome" not in update.subject
    assert "Freja Christensen" in update.body
    assert len(mailoutbox) == 4


@pytest.mark.parametrize("via", VIA)
def test_approving_reuses_the_person_with_the_same_email(
    decide, settled_member, kabuki, mailoutbox, via
):
    mette = settled_member("Mette Holm")
    application = confirmed("Mette Holm", kabuki, email="METTE.Holm@Example.org")

    decide(application, "approve", via, group="")

    assert Person.objects.count() == 1
    assert {m.group.name for m in Membership.objects.active().filter(person=mette)} == {
        "Alström syndrome",
        "Kabuki syndrome",
    }
    application.refresh_from_db()
    assert application.person == mette
    _approval, welcome = mailoutbox
    assert welcome.to == ["mette.holm@example.org"]
    assert "Welcome" in welcome.subject and "Kabuki syndrome" in welcome.subject


def test_a_group_is_made_from_the_diagnosis_when_none_covers_it(decide, kabuki):
    application = confirmed("Aud Hansen", kabuki)

    decide(application, "approve", "list-action", group="")

    group = DiagnosisGroup.objects.get()
    assert group.name == "Kabuki syndrome"
    assert list(group.diagnoses.all()) == [kabuki]
    assert Membership.objects.get().group == group


@pytest.mark.parametrize("via", VIA)
def test_approving_a_free_text_diagnosis_into_a_chosen_group(
    decide, settled_member, mailoutbox, via
):
    mette = settled_member("Mette Holm")
    group = mette.memberships.get().group
    application = confirmed("Freja Christensen", diagnosis_text="Alstrøms syndrom, tror jeg")

    response = decide(application, "approve", via, group=str(group.pk))

    assert "application approved." in messages_on(response).lower()
    assert Membership.objects.get(application=application).group == group
    assert any("Welcome" in m.subject for m in mailoutbox)


@pytest.mark.parametrize("via", VIA)
def test_a_free_text_diagnosis_cannot_be_approved_without_a_group(
    decide, settled_member, mailoutbox, via
):
    settled_member("Mette Holm")
    application = confirmed("Freja Christensen", diagnosis_text="Et ukendt syndrom")

    response = decide(application, "approve", via, group="")

    assert FREE_TEXT_NEEDS_GROUP in messages_on(response)
    assert "approved." not in messages_on(response)
    assert_undecided(application)
    assert application.status == Application.Status.AWAITING_REVIEW
    assert Person.objects.count() == 1
    assert not DiagnosisGroup.objects.filter(name="Et ukendt syndrom").exists()
    assert mailoutbox == []


def test_a_batch_approves_what_it_can_and_names_what_it_cannot(
    client, secretariat, alstrom, kabuki, mailoutbox, django_capture_on_commit_callbacks
):
    anna = confirmed("Anna Berg", alstrom)
    bo = confirmed("Bo Dahl", diagnosis_text="Et ukendt syndrom")
    carl = confirmed("Carl Eng", kabuki)
    client.force_login(secretariat)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse(QUEUE),
            {
                "action": "approve",
                ACTION_CHECKBOX_NAME: [anna.pk, bo.pk, carl.pk],
                "group": "",
                "confirm": "Confirm",
            },
            follow=True,
        )

    shown = messages_on(response)
    assert "2 applications approved." in shown
    assert f"Bo Dahl: {FREE_TEXT_NEEDS_GROUP}" in shown
    assert set(Application.objects.filter(status="approved")) == {anna, carl}
    assert_undecided(bo)
    queue = names_in_queue(response)
    assert "Bo Dahl" in queue
    assert "Anna Berg" not in queue and "Carl Eng" not in queue
    assert sorted(m.to[0] for m in mailoutbox if "Welcome" in m.subject) == [
        "anna.berg@example.org",
        "carl.eng@example.org",
    ]


@pytest.mark.parametrize("via", VIA)
def test_an_unconfirmed_application_cannot_be_approved(decide, alstrom, mailoutbox, via):
    application = submitted("Freja Christensen", alstrom)
    mailoutbox.clear()

    response = decide(application, "approve", via, changelist=APPLICATIONS, group="")

    assert "Only an application awaiting review can be approved" in messages_on(response)
    assert_undecided(application)
    assert application.status == Application.Status.UNCONFIRMED
    assert not Person.objects.exists()
    assert mailoutbox == []


def test_the_application_page_offers_approve_only_once_confirmed(client, secretariat, alstrom):
    client.force_login(secretariat)
    application = submitted("Freja Christensen", alstrom)
    approve_url = reverse("admin:members_application_approve", args=[application.pk])
    change_url = reverse("admin:members_application_change", args=[application.pk])

    assert approve_url not in client.get(change_url).content.decode()
    application = confirmed("Jonas Berg", alstrom)
    change_url = reverse("admin:members_application_change", args=[application.pk])
    approve_url = reverse("admin:members_application_approve", args=[application.pk])
    assert approve_url in client.get(change_url).content.decode()


@pytest.mark.parametrize("via", VIA)
@pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "blank"])
def test_rejecting_without_a_reason_asks_for_one(decide, alstrom, mailoutbox, via, reason):
    application = confirmed("Freja Christensen", alstrom)
    mailoutbox.clear()

    response = decide(application, "reject", via, reason=reason)

    assert response.status_code == 200
    assert response.redirect_chain == []
    page = Page(response.content)
    assert REQUIRED in page.text
    assert page.controls("reason"), "the reason field is shown again"
    assert_undecided(application)
    assert application.status == Application.Status.AWAITING_REVIEW
    assert mailoutbox == []


@pytest.mark.parametrize("via", VIA)
def test_rejecting_tells_the_applicant_why(decide, secretariat, alstrom, mailoutbox, via):
    application = confirmed("Freja Christensen", alstrom)
    mailoutbox.clear()
    reason = "Alström syndrome has its own association, Alström Danmark: www.example.dk."

    response = decide(application, "reject", via, reason=reason)

    assert "application rejected." in messages_on(response).lower()
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED
    assert application.decided_by == secretariat
    assert application.decision_reason == reason
    [email] = mailoutbox
    assert email.to == ["freja.christensen@example.org"]
    assert email.subject == f"Your application to {settings.NETWORK_NAME}"
    assert reason in email.body
    [event] = application.events.filter(action=ApplicationEvent.Action.REJECTED)
    assert (event.by, event.note, event.email.status) == (
        secretariat,
        reason,
        OutgoingEmail.Status.SENT,
    )
    assert not Person.objects.exists()
    assert not Membership.objects.exists()


def test_an_application_already_rejected_cannot_be_rejected_again(decide, alstrom, mailoutbox):
    application = confirmed("Freja Christensen", alstrom)
    decide(application, "reject", "detail-page", reason="Not rare enough.")
    mailoutbox.clear()

    response = decide(application, "reject", "detail-page", reason="Another reason.")

    assert "already been decided" in messages_on(response)
    application.refresh_from_db()
    assert application.decision_reason == "Not rare enough."
    assert application.events.filter(action=ApplicationEvent.Action.REJECTED).count() == 1
    assert mailoutbox == []
