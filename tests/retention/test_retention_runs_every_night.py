"""Celery beat runs retention every night; the task removes what is due at that moment,
with the periods as they are set, and a second run removes nothing more."""

from __future__ import annotations

from celery.schedules import crontab

from members.models import Application
from network import celery_app
from network.tasks import retention

from .conftest import days_ago, submitted, submitted_at


def test_beat_runs_the_retention_task_once_a_night(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["retention"]

    assert entry["task"] in celery_app.tasks
    assert entry["schedule"] == crontab(hour=2, minute=30)


def test_the_task_removes_what_is_due_under_the_periods_as_set_and_then_nothing(
    alstrom, settings, now, caplog
):
    settings.RETENTION_UNCONFIRMED_DAYS = 7
    old = submitted("Una Old", alstrom)
    submitted_at(old, days_ago(now, 7, older=True))
    new = submitted("Una New", alstrom)
    submitted_at(new, days_ago(now, 7, older=False))

    first = retention.apply().get()
    second = retention.apply().get()

    assert first["unconfirmed_applications"] == 1
    assert set(second.values()) == {0}
    assert list(Application.objects.values_list("pk", flat=True)) == [new.pk]
    # The log counts; it names nobody.
    assert "unconfirmed_applications 1" in caplog.text
    assert "Una" not in caplog.text and "@" not in caplog.text
