"""Upgrading moves every email the two old outboxes held into the one outbox, with its
history: nothing sent goes out again, nothing unsent or failed is lost, and a delivery a
worker had claimed is taken back by the sweep should that worker be gone."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from contactlists.models import Delivery
from members.models import ApplicationEvent
from outbox.models import OutgoingEmail

BEFORE = [
    ("members", "0003_referral_information_consultation"),
    ("contactlists", "0002_delivery_superseded"),
]
AFTER = [
    ("members", "0004_applicant_emails_in_the_outbox"),
    ("contactlists", "0003_deliveries_in_the_outbox"),
]


@pytest.fixture
def old_schema(transactional_db):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())


def upgrade() -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)


def test_applicant_emails_and_deliveries_keep_their_state_in_the_outbox(old_schema, settings):
    apps = old_schema
    now = timezone.now()
    person = apps.get_model("members", "Person").objects.create(
        full_name="Mette Holm",
        relationship="parent",
        street_address="Vej 1",
        postal_code="8000",
        city="Aarhus",
        country="DK",
        phone="+4520123456",
        email="mette@example.org",
        language="da",
    )
    application = apps.get_model("members", "Application").objects.create(
        full_name="Mette Holm",
        relationship="parent",
        street_address="Vej 1",
        postal_code="8000",
        city="Aarhus",
        country="DK",
        phone="+4520123456",
        email="mette@example.org",
        language="da",
        diagnosis_text="Alström syndrome",
        status="approved",
    )
    event = apps.get_model("members", "ApplicationEvent")
    old_events = {
        "sent": event.objects.create(
            application=application,
            action="submitted",
            email_to="mette@example.org",
            email_subject="Confirm",
            email_text="Please confirm",
            email_html="<p>Confirm</p>",
            email_status="sent",
            email_attempts=1,
            email_sent_at=now,
        ),
        "unsent": event.objects.create(
            application=application,
            action="approved",
            email_to="mette@example.org",
            email_subject="Welcome",
            email_text="You are in",
            email_html="<p>In</p>",
            email_status="pending",
        ),
        "retrying": event.objects.create(
            application=application,
            action="information_requested",
            email_to="mette@example.org",
            email_subject="A question",
            email_text="Which?",
            email_html="<p>Which?</p>",
            email_status="pending",
            email_attempts=2,
            email_error="SMTPServerDisconnected",
            email_next_attempt_at=now + timedelta(minutes=1),
        ),
        "failed": event.objects.create(
            application=application,
            action="rejected",
            email_to="mette@example.org",
            email_subject="Sorry",
            email_text="No",
            email_html="<p>No</p>",
            email_status="failed",
            email_attempts=8,
            email_error="SMTPRecipientsRefused: 550",
        ),
        "none": event.objects.create(application=application, action="confirmed"),
    }
    group = apps.get_model("diagnoses", "DiagnosisGroup").objects.create(name="Alström syndrome")
    contact_list = apps.get_model("contactlists", "ContactList").objects.create(
        group=group, version=1, entries=[]
    )
    others = [
        apps.get_model("members", "Person").objects.create(
            full_name=name,
            relationship="patient",
            street_address="Vej 2",
            postal_code="8000",
            city="Aarhus",
            country="DK",
            phone=f"+45201234{number:02}",
            email=f"{name.split()[0].lower()}@example.org",
            language="da",
        )
        for number, name in enumerate(["Jonas Berg", "Ingrid Lund", "Aud Hansen"], start=60)
    ]
    delivery = apps.get_model("contactlists", "Delivery")
    claimed_at = now - timedelta(seconds=30)
    old_deliveries = {
        "sent": delivery.objects.create(
            contact_list=contact_list, person=person, status="sent", attempts=1, sent_at=now
        ),
        "queued": delivery.objects.create(contact_list=contact_list, person=others[0]),
        "claimed": delivery.objects.create(
            contact_list=contact_list,
            person=others[1],
            status="sending",
            attempts=1,
            claimed_at=claimed_at,
        ),
        "failed": delivery.objects.create(
            contact_list=contact_list,
            person=others[2],
            status="failed",
            attempts=3,
            last_error="SMTPRecipientsRefused: 550",
        ),
    }

    upgrade()

    def email_of(name: str) -> OutgoingEmail:
        return ApplicationEvent.objects.select_related("email").get(pk=old_events[name].pk).email

    sent = email_of("sent")
    assert (sent.status, sent.attempts, sent.sends, sent.sent_at) == ("sent", 1, 1, now)
    assert (sent.recipient, sent.subject, sent.text, sent.html) == (
        "mette@example.org",
        "Confirm",
        "Please confirm",
        "<p>Confirm</p>",
    )
    unsent = email_of("unsent")
    assert (unsent.status, unsent.attempts, unsent.retry_after) == ("queued", 0, None)
    assert unsent.created_at == old_events["unsent"].at
    retrying = email_of("retrying")
    assert (retrying.status, retrying.attempts, retrying.last_error) == (
        "queued",
        2,
        "SMTPServerDisconnected",
    )
    assert retrying.retry_after == now + timedelta(minutes=1)
    failed = email_of("failed")
    assert (failed.status, failed.attempts) == ("failed", 8)
    assert email_of("none") is None
    assert len({email_of(name).batch for name in ("sent", "unsent", "retrying", "failed")}) == 4

    def outgoing(name: str) -> OutgoingEmail:
        return Delivery.objects.select_related("email").get(pk=old_deliveries[name].pk).email

    assert (outgoing("sent").status, outgoing("sent").sent_at) == ("sent", now)
    assert (outgoing("queued").status, outgoing("queued").recipient) == (
        "queued",
        "jonas@example.org",
    )
    claimed = outgoing("claimed")
    assert claimed.status == "sending" and claimed.claim is not None
    assert claimed.lease_until == claimed_at + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    assert (outgoing("failed").status, outgoing("failed").last_error) == (
        "failed",
        "SMTPRecipientsRefused: 550",
    )
    assert {outgoing(name).batch for name in old_deliveries} == {f"contact-list-{contact_list.pk}"}
    assert OutgoingEmail.objects.count() == 8
