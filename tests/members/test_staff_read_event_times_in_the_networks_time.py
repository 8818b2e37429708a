"""An application's events are shown in the network's time (TIME_ZONE, Europe/Copenhagen),
as every other time on the staff pages: never UTC beside it."""

from __future__ import annotations

from datetime import UTC, datetime

from django.urls import reverse

from members.models import ApplicationEvent

from .conftest import confirmed
from .page import Page


def test_event_times_are_local_and_name_no_utc(danish_site, client, secretariat, alstrom):
    application = confirmed("Freja Christensen", alstrom)
    # 10:05 UTC on a summer day is 12:05 in Copenhagen.
    application.events.update(at=datetime(2026, 6, 1, 10, 5, tzinfo=UTC))
    client.force_login(secretariat)

    response = client.get(reverse("admin:members_application_change", args=[application.pk]))

    events = Page(response.content).by_id("events-group").text
    assert "12:05" in events
    assert "10:05" not in events
    assert "UTC" not in Page(response.content).text
    assert "12:05" in str(ApplicationEvent.objects.filter(application=application).first())
