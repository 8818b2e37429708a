"""Unit-level: the audience, the language of each copy, withdrawal during a send."""

from __future__ import annotations

import pytest
from django.core import mail

from diagnoses.models import DiagnosisGroup
from mailings import services
from mailings.models import Mailing, MailingRecipient
from members.consents import ConsentKind
from members.services import change_consent
from outbox.models import OutgoingEmail

from .people import person

MAILINGS = ConsentKind.MAILINGS


def mailing(**texts) -> Mailing:
    return Mailing.objects.create(
        texts={
            "en": {"subject": "News", "body": "Hello from the network."},
            **{
                code: {"subject": subject, "body": f"{subject}!"} for code, subject in texts.items()
            },
        }
    )


@pytest.mark.django_db
def test_each_consenting_member_gets_one_copy_in_their_language(
    secretariat, django_capture_on_commit_callbacks
):
    anna = person("Anna Berg", language="sv", consents={MAILINGS: True})
    bo = person("Bo Lund", language="da", consents={MAILINGS: True})
    person("Carl Dahl", consents={MAILINGS: False})
    withdrawn = person("Dora Ek", consents={MAILINGS: True})
    change_consent(withdrawn, MAILINGS, False, by=None)
    person("Eva Fog")  # never asked

    sent = mailing(sv="Nyheter")
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_mailing(sent, by=secretariat) == 2

    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {anna.email, bo.email}
    assert by_address[anna.email].subject == "Nyheter"
    # Danish left empty: the default language's text.
    assert by_address[bo.email].subject == "News"
    assert "Hello from the network." in by_address[bo.email].body
    headers = by_address[anna.email].extra_headers
    assert headers["List-Unsubscribe"] == f"<{services.unsubscribe_url(anna)}>"
    assert headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert services.unsubscribe_url(anna) in by_address[anna.email].body
    sent.refresh_from_db()
    assert sent.status == Mailing.Status.SENT


@pytest.mark.django_db
def test_the_audience_narrows_by_group_country_and_language(secretariat, alstrom, kabuki):
    group_a = DiagnosisGroup.objects.create(name="A")
    group_b = DiagnosisGroup.objects.create(name="B")
    in_a = person("Anna Berg", consents={MAILINGS: True}, group=group_a)
    person("Bo Lund", consents={MAILINGS: True}, group=group_b)
    norwegian = person(
        "Nora Vik", country="NO", language="nb", consents={MAILINGS: True}, group=group_a
    )
    narrowed = mailing()
    narrowed.groups.set([group_a])
    assert set(services.audience(narrowed)) == {in_a, norwegian}
    narrowed.countries = ["NO"]
    assert list(services.audience(narrowed)) == [norwegian]
    narrowed.countries = []
    narrowed.languages = ["en"]
    assert list(services.audience(narrowed)) == [in_a]


@pytest.mark.django_db
def test_a_member_who_withdraws_after_the_send_started_gets_nothing_more(
    secretariat, django_capture_on_commit_callbacks
):
    early = person("Anna Berg", consents={MAILINGS: True})
    late = person("Bo Lund", consents={MAILINGS: True})
    queued_then_withdrawn = person("Carl Dahl", consents={MAILINGS: True})
    sent = mailing()
    # The send starts; its task has not run yet.
    with django_capture_on_commit_callbacks(execute=False):
        services.send_mailing(sent, by=secretariat)
    change_consent(late, MAILINGS, False, by=None)
    # Carl's email is queued, and he withdraws before the outbox sends it.
    with django_capture_on_commit_callbacks(execute=False):
        services.queue_mailing(sent.pk)
    change_consent(queued_then_withdrawn, MAILINGS, False, by=None)
    from outbox.services import send_batch

    for batch in set(OutgoingEmail.objects.values_list("batch", flat=True)):
        send_batch(batch)

    assert [m.to[0] for m in mail.outbox] == [early.email]
    states = dict(MailingRecipient.objects.values_list("person__full_name", "state"))
    assert states["Bo Lund"] == MailingRecipient.State.SKIPPED
    carl = MailingRecipient.objects.get(person=queued_then_withdrawn)
    assert carl.email.status == OutgoingEmail.Status.CANCELLED
    assert services.progress(sent)["sent"] == 1


@pytest.mark.django_db
def test_queueing_twice_queues_nobody_twice(secretariat, django_capture_on_commit_callbacks):
    person("Anna Berg", consents={MAILINGS: True})
    sent = mailing()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_mailing(sent, by=secretariat)
        services.queue_mailing(sent.pk)
        services.sweep()
    assert OutgoingEmail.objects.filter(kind=services.MAILING_EMAIL).count() == 1
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_mailing_is_sent_once(secretariat, django_capture_on_commit_callbacks):
    person("Anna Berg", consents={MAILINGS: True})
    sent = mailing()
    with django_capture_on_commit_callbacks(execute=True):
        services.send_mailing(sent, by=secretariat)
    with pytest.raises(services.MailingRefused):
        services.send_mailing(sent, by=secretariat)
    assert len(mail.outbox) == 1
