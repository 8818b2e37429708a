"""What a reviewer needs to decide on an application, and how the review queue is doing.

Read-only: the checks gather facts for the review screen; the decisions are in services.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection
from django.db.models import Aggregate, Count, DurationField, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from diagnoses.models import Association, Diagnosis, DiagnosisGroup
from diagnoses.search import search_diagnoses
from diagnoses.text import fold

from .models import Application, Person

BEST_MATCHES = 3
# Median time to decision over this period: recent enough to say how the queue is doing now.
DECISION_TIME_PERIOD = timedelta(days=365)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass
class GroupCheck:
    group: DiagnosisGroup
    members: int


@dataclass
class Duplicate:
    reason: str
    application: Application | None = None
    person: Person | None = None


@dataclass
class ReviewChecks:
    country_allowed: bool
    diagnosis: Diagnosis | None
    diagnosis_text: str
    matches: list[Diagnosis]
    groups: list[GroupCheck]
    associations: list[Association]
    rarity_rule: str
    duplicates: list[Duplicate]

    @property
    def prevalence(self) -> str:
        if self.diagnosis is None:
            return ""
        return self.diagnosis.get_prevalence_display()


def checks_for(application: Application) -> ReviewChecks:
    """Every check of flow 2 for one application, gathered without side effects."""
    typed = application.diagnosis_text.strip()
    matches = list(search_diagnoses(typed, limit=BEST_MATCHES)) if typed else []
    candidates = [application.diagnosis] if application.diagnosis else matches
    return ReviewChecks(
        country_allowed=application.country.code in settings.NETWORK_ALLOWED_COUNTRIES,
        diagnosis=application.diagnosis,
        diagnosis_text=typed,
        matches=matches,
        groups=_groups_covering(candidates),
        associations=list(Association.objects.covering(*candidates)),
        rarity_rule=settings.NETWORK_RARITY_RULE,
        duplicates=possible_duplicates(application),
    )


def _groups_covering(diagnoses: list[Diagnosis]) -> list[GroupCheck]:
    groups = (
        DiagnosisGroup.objects.filter(diagnoses__in=diagnoses)
        .distinct()
        .with_member_count()
        .select_related("association")
        .order_by("name")
    )
    return [GroupCheck(group, group.active_members) for group in groups]


def possible_duplicates(application: Application) -> list[Duplicate]:
    """Other applications and members with the same email, the same phone, or the same
    name and postal code: the same family applying twice, or a member applying again."""
    same_email = Q(email__iexact=application.email)
    same_phone = Q(phone=application.phone)
    same_name_and_postcode = Q(
        full_name__iexact=application.full_name.strip(),
        postal_code__iexact=application.postal_code.strip(),
    )
    duplicates = []
    others = Application.objects.exclude(pk=application.pk).select_related("diagnosis")
    for other in others.filter(same_email | same_phone | same_name_and_postcode):
        duplicates.append(Duplicate(_reason(application, other), application=other))
    people = Person.objects.filter(same_email | same_phone | same_name_and_postcode)
    for person in people.prefetch_related("memberships__group"):
        duplicates.append(Duplicate(_reason(application, person), person=person))
    return duplicates


def _reason(application: Application, other: Application | Person) -> str:
    if other.email.lower() == application.email.lower():
        return _("same email")
    if other.phone == application.phone:
        return _("same phone")
    if fold(other.full_name) == fold(application.full_name):
        return _("same name and postal code")
    return _("similar details")


@dataclass
class StatusCount:
    status: str
    label: StrOrPromise
    number: int


@dataclass
class QueueHealth:
    counts: list[StatusCount]
    oldest_waiting_since: datetime | None
    median_time_to_decision: timedelta | None
    decided_in_period: int

    @property
    def median_days_to_decision(self) -> float | None:
        if self.median_time_to_decision is None:
            return None
        return round(self.median_time_to_decision / timedelta(days=1), 1)


def queue_health(now: datetime | None = None) -> QueueHealth:
    """Counts by status, the oldest confirmed application still waiting, and the median
    time from confirmed email to decision over the last year."""
    now = now or timezone.now()
    by_status = dict(
        Application.objects.order_by().values_list("status").annotate(number=Count("pk"))
    )
    counts = [
        StatusCount(status, label, by_status.get(status, 0))
        for status, label in Application.Status.choices
    ]
    oldest = (
        Application.objects.filter(status=Application.Status.AWAITING_REVIEW)
        .order_by("confirmed_at")
        .values_list("confirmed_at", flat=True)
        .first()
    )
    decided = Application.objects.filter(
        decided_at__gte=now - DECISION_TIME_PERIOD, confirmed_at__isnull=False
    )
    median, number = _median_time_to_decision(decided)
    return QueueHealth(
        counts=counts,
        oldest_waiting_since=oldest,
        median_time_to_decision=median,
        decided_in_period=number,
    )


class MedianDuration(Aggregate):
    """The median of a duration, taken by PostgreSQL."""

    template = "percentile_cont(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _median_time_to_decision(decided: QuerySet[Application]) -> tuple[timedelta | None, int]:
    """The median time from confirmed email to decision, and of how many: on PostgreSQL
    taken by the database, which a national network's year of decisions (tens of
    thousands) needs; SQLite has no median, and holds a small network."""
    if connection.vendor == "postgresql":
        taken = decided.aggregate(
            median=MedianDuration(F("decided_at") - F("confirmed_at")), number=Count("pk")
        )
        return taken["median"], taken["number"]
    durations: list[timedelta] = [
        later - earlier
        for earlier, later in decided.values_list("confirmed_at", "decided_at")
        if earlier is not None and later is not None
    ]
    return (statistics.median(durations) if durations else None), len(durations)  # type: ignore[type-var]
