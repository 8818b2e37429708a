"""Retention removes exactly what its dry run listed: with records on both sides of each
period, the dry run lists the ones just past it and changes nothing; the run then removes
those, with what belongs to them, and touches nothing else; a second run finds nothing."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from contactlists.models import ContactList, GroupChange
from contactlists.services import build_contact_list
from members.models import Application, ApplicationEvent, Consent
from network import retention
from outbox.models import OutgoingEmail

from ..conftest import admit
from .conftest import (
    all_sent,
    asked,
    confirmed,
    days_ago,
    decided_at,
    question_asked_at,
    referred,
    rejected,
    replaced_at,
    sent_at,
    snapshot,
    submitted,
    submitted_at,
)


def test_the_run_removes_exactly_what_the_dry_run_listed_and_nothing_else(
    alstrom, kabuki, secretariat, settings, now
):
    by = secretariat
    # Applications never confirmed: 30 days from their submission.
    unconfirmed_old = submitted("Una Old", alstrom)
    submitted_at(unconfirmed_old, days_ago(now, 30, older=True))
    unconfirmed_new = submitted("Una New", alstrom)
    submitted_at(unconfirmed_new, days_ago(now, 30, older=False))
    # Rejected, referred and closed ones: 180 days from the decision.
    rejected_old, rejected_new = (rejected(f"Rita {age}", alstrom, by) for age in ("Old", "New"))
    referred_old, referred_new = (referred(f"Rolf {age}", alstrom, by) for age in ("Old", "New"))
    closed_old, closed_new = (asked(f"Cleo {age}", alstrom, by) for age in ("Old", "New"))
    Application.objects.filter(pk__in=[closed_old.pk, closed_new.pk]).update(
        status=Application.Status.CLOSED
    )
    for old, new in [(rejected_old, rejected_new), (referred_old, referred_new)]:
        decided_at(old, days_ago(now, 180, older=True))
        decided_at(new, days_ago(now, 180, older=False))
    decided_at(closed_old, days_ago(now, 180, older=True))
    decided_at(closed_new, days_ago(now, 180, older=False))
    # Waiting for an answer: closed 90 days after the question.
    asked_old, asked_new = asked("Ask Old", alstrom, by), asked("Ask New", alstrom, by)
    question_asked_at(asked_old, days_ago(now, 90, older=True))
    question_asked_at(asked_new, days_ago(now, 90, older=False))
    # Never touched, however old: an application in the queue, and an approved one.
    waiting = confirmed("Vera Waiting", alstrom)
    submitted_at(waiting, days_ago(now, 1000, older=True))
    approved = admit("Mette Holm", alstrom, by).application
    decided_at(approved, days_ago(now, 1000, older=True))

    # A group's list versions: one replaced 90 days ago, one just inside, the current one.
    group = approved.group
    first = build_contact_list(group)
    admit("Jonas Berg", alstrom, by)
    second = build_contact_list(group)
    admit("Ingrid Lund", alstrom, by)
    current = build_contact_list(group)
    replaced_at(first, days_ago(now, 90, older=True))
    replaced_at(second, days_ago(now, 90, older=False))
    # Another group's only version, however old, is its current one.
    admit("Aud Hansen", kabuki, by, phone="+4741234567", country="NO")
    only = build_contact_list(kabuki.groups.get())
    ContactList.objects.filter(pk=only.pk).update(created_at=days_ago(now, 1000, older=True))
    for contact_list in (first, second, current, only):
        all_sent(contact_list)
    # Changes that needed no new version: 90 days from their handling.
    change_old, change_new = (
        GroupChange.objects.create(group=group, reason="details_changed", handled_at=moment)
        for moment in (days_ago(now, 90, older=True), days_ago(now, 90, older=False))
    )

    # Emails that went out: their text goes 30 days later. One not yet sent keeps it.
    def email_of(application: Application) -> OutgoingEmail:
        return application.events.exclude(email=None).order_by("pk").last().email

    sent_old, sent_new, unsent = email_of(waiting), email_of(asked_new), email_of(closed_new)
    sent_at(sent_old, days_ago(now, 30, older=True))
    sent_at(sent_new, days_ago(now, 30, older=False))
    OutgoingEmail.objects.filter(pk=unsent.pk).update(created_at=days_ago(now, 1000, older=True))
    # An email that loses its text and then goes with its application.
    rejection = email_of(rejected_old)
    sent_at(rejection, days_ago(now, 30, older=True))

    before = snapshot()
    due = retention.plan(now)
    out = StringIO()
    call_command("retention", "--dry-run", stdout=out)

    listed = {key: set(items) for key, _heading, items in due.sections()}
    assert listed == {
        "email_texts": {sent_old.pk, rejection.pk},
        "contact_lists": {first.pk},
        "group_changes": {
            *first.changes.values_list("pk", flat=True),
            change_old.pk,
        },
        "unconfirmed_applications": {unconfirmed_old.pk},
        "unanswered_applications": {asked_old.pk},
        "decided_applications": {rejected_old.pk, referred_old.pk, closed_old.pk},
    }
    assert out.getvalue().splitlines()[1:] == [
        *(
            line
            for _key, heading, items in due.sections()
            for line in [f"{heading}: {len(items)}", *(f"  {d}" for d in items.values())]
        ),
        "Dry run: nothing was changed.",
    ]
    assert f"  application {unconfirmed_old.pk} (submitted " in out.getvalue()
    # Ids and dates only: the output may end up in a log.
    assert "@" not in out.getvalue()
    assert not any(
        name in out.getvalue() for name in Application.objects.values_list("full_name", flat=True)
    )
    assert snapshot() == before

    gone_applications = [unconfirmed_old, rejected_old, referred_old, closed_old]
    events = ApplicationEvent.objects.filter(application__in=gone_applications)
    event_emails = events.exclude(email=None).values_list("email", flat=True)
    first_emails = OutgoingEmail.objects.filter(delivery__contact_list=first)
    expected_removed = {
        *(("Application", a.pk) for a in gone_applications),
        *(("ApplicationEvent", pk) for pk in events.values_list("pk", flat=True)),
        *(("OutgoingEmail", pk) for pk in event_emails),
        *(
            ("Consent", pk)
            for pk in Consent.objects.filter(application__in=gone_applications).values_list(
                "pk", flat=True
            )
        ),
        ("ContactList", first.pk),
        *(("Delivery", pk) for pk in first.deliveries.values_list("pk", flat=True)),
        *(("OutgoingEmail", pk) for pk in first_emails.values_list("pk", flat=True)),
        *(("GroupChange", pk) for pk in listed["group_changes"]),
    }

    done = retention.carry_out(due)

    after = snapshot()
    assert before.keys() - after.keys() == expected_removed
    [closing] = after.keys() - before.keys()
    assert closing[0] == "ApplicationEvent"
    changed = {key for key in before.keys() & after.keys() if before[key] != after[key]}
    assert changed == {("Application", asked_old.pk), ("OutgoingEmail", sent_old.pk)}
    assert (
        after[("OutgoingEmail", sent_old.pk)] | {"subject": "", "text": "", "html": ""}
        == (after[("OutgoingEmail", sent_old.pk)])
    )
    assert after[("Application", asked_old.pk)]["status"] == Application.Status.CLOSED
    assert done == {key: len(ids) for key, ids in listed.items()}

    # Nothing more is due at the same moment; nor, run again, at a later one.
    again = retention.plan(now)
    assert all(not items for _key, _heading, items in again.sections())
    assert retention.carry_out(again) == dict.fromkeys(listed, 0)
    call_command("retention", stdout=StringIO())
    assert snapshot() == after
