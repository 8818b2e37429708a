from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from meetups import services
from meetups.models import Registration

from ..mailings.people import person


@pytest.mark.django_db
def test_each_registered_member_is_reminded_once(meetup, django_capture_on_commit_callbacks):
    coming = Registration.objects.create(
        event=meetup, person=person("Anna Berg", index=1), status="confirmed", adults=1
    )
    Registration.objects.create(event=meetup, person=person("Bo Lund", index=2), status="cancelled")
    too_early = meetup.starts_at - timedelta(days=8)
    assert services.send_reminders(too_early) == 0
    due = meetup.starts_at - timedelta(days=6)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(due) == 1
        assert services.send_reminders(due + timedelta(hours=1)) == 0
    assert [m.to[0] for m in mail.outbox] == [coming.person.email]
    assert mail.outbox[0].subject == "Soon: Rare days"
    assert timezone.now() < meetup.starts_at
