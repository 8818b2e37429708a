"""The network at a glance, in figures: members, groups, applications, joins and leaves
over time, group sizes, countries and languages, groups alone and groups ready for an
association, failed emails. DESIGN.md flow 8.

Every figure is counted by the database, in a fixed number of queries whatever the size of
the network: no query returns a row per member, and none runs per group. Counting a
network of a million members still reads its tables, which takes seconds: the dashboard
shows the last count, which a worker makes every ten minutes (`recent_overview`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncMonth, TruncYear
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from diagnoses.models import DiagnosisGroup
from members import review
from members.models import Application, Membership, Person, memberships_per_group
from outbox.models import OutgoingEmail

MONTHS_SHOWN = 12
# How often a worker counts the network for the dashboard (settings.CELERY_BEAT_SCHEDULE).
OVERVIEW_COUNTED_EVERY = timedelta(minutes=10)
CACHE_KEY = "overview:counts"


@dataclass
class Table:
    """One set of figures: drawn as a chart, shown as a table beside it, and downloaded as
    CSV. `rows` hold a label and one number per column after the first."""

    key: str
    title: str
    columns: list[str]
    rows: list[tuple]

    def total(self, column: int = 1) -> int:
        return sum(row[column] for row in self.rows)


@dataclass
class Counts:
    """What the database counted, in no language: codes, dates and numbers. Labelled for
    each reader by `labelled`, so that one count serves readers of every language."""

    counted_at: datetime
    members: int
    groups: int
    groups_with_members: int
    applications_waiting: int
    failed_emails: int
    groups_alone: int
    groups_ready: int
    ready_size: int
    median_days_to_decision: float | None
    months: list[date]
    joins_by_month: dict[date, int]
    leaves_by_month: dict[date, int]
    years: list[date]
    joins_by_year: dict[date, int]
    leaves_by_year: dict[date, int]
    size_edges: list[int]
    groups_by_size: dict[int, int]
    members_by_country: list[tuple[str, int]]
    members_by_language: list[tuple[str, int]]


@dataclass
class Overview:
    counted_at: datetime
    members: int
    groups: int
    groups_with_members: int
    applications_waiting: int
    failed_emails: int
    groups_alone: int
    groups_ready: int
    ready_size: int
    median_days_to_decision: float | None
    tables: list[Table]


def overview(now: datetime | None = None) -> Overview:
    """The figures counted now, in the reader's language."""
    return labelled(count(now))


def recent_overview() -> Overview:
    """The figures as last counted, at most OVERVIEW_COUNTED_EVERY old: a network of a
    million members takes seconds to count, so a worker counts it in the background
    (`overview.tasks.count_network`) and the page reads the result. Counted here when no
    count is at hand: the first visit, the embedded mode, or the worker down."""
    return labelled(recent_counts())


def recent_counts() -> Counts:
    counts = cache.get(CACHE_KEY)
    return count_and_keep() if counts is None else counts


def count_and_keep() -> Counts:
    counts = count()
    # Kept a little longer than the worker takes to count again, so that a page never
    # waits for a count while the worker is counting.
    cache.set(CACHE_KEY, counts, OVERVIEW_COUNTED_EVERY.total_seconds() * 2)
    return counts


def count(now: datetime | None = None) -> Counts:
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    ready_size = settings.NETWORK_ASSOCIATION_READY_MEMBERS
    groups = _groups_with_size()
    group_counts = groups.aggregate(
        total=Count("pk"),
        with_members=Count("pk", filter=Q(size__gte=1)),
        alone=Count("pk", filter=Q(size=1)),
        ready=Count("pk", filter=Q(size__gte=ready_size, status=DiagnosisGroup.Status.OPEN)),
    )
    members = _members()
    first_month = _months_back(today.replace(day=1), MONTHS_SHOWN - 1)
    since = timezone.make_aware(datetime.combine(first_month, datetime.min.time()))
    joins_by_year = _count_by(Membership.objects.all(), TruncYear("joined_at"))
    leaves_by_year = _count_by(Membership.objects.exclude(left_at=None), TruncYear("left_at"))
    first_year = min([day.year for day in [*joins_by_year, *leaves_by_year]], default=today.year)
    edges = sorted({edge for edge in (1, 2, 5, 10) if edge < ready_size} | {ready_size})
    return Counts(
        counted_at=now,
        members=members.count(),
        groups=group_counts["total"],
        groups_with_members=group_counts["with_members"],
        applications_waiting=Application.objects.awaiting_review().count(),
        failed_emails=OutgoingEmail.objects.filter(status=OutgoingEmail.Status.FAILED).count(),
        groups_alone=group_counts["alone"],
        groups_ready=group_counts["ready"],
        ready_size=ready_size,
        median_days_to_decision=review.queue_health(now).median_days_to_decision,
        months=[_months_back(first_month, -n) for n in range(MONTHS_SHOWN)],
        joins_by_month=_count_by(
            Membership.objects.filter(joined_at__gte=since), TruncMonth("joined_at")
        ),
        leaves_by_month=_count_by(
            Membership.objects.filter(left_at__gte=since), TruncMonth("left_at")
        ),
        years=[date(year, 1, 1) for year in range(first_year, today.year + 1)],
        joins_by_year=joins_by_year,
        leaves_by_year=leaves_by_year,
        size_edges=edges,
        groups_by_size=_groups_by_size(groups, edges),
        members_by_country=list(
            members.values_list("country").annotate(n=Count("pk")).order_by("-n", "country")
        ),
        members_by_language=list(
            members.values_list("language").annotate(n=Count("pk")).order_by("-n", "language")
        ),
    )


def labelled(counts: Counts) -> Overview:
    return Overview(
        counted_at=counts.counted_at,
        members=counts.members,
        groups=counts.groups,
        groups_with_members=counts.groups_with_members,
        applications_waiting=counts.applications_waiting,
        failed_emails=counts.failed_emails,
        groups_alone=counts.groups_alone,
        groups_ready=counts.groups_ready,
        ready_size=counts.ready_size,
        median_days_to_decision=counts.median_days_to_decision,
        tables=[label(counts) for label in TABLES.values()],
    )


def table(key: str, counts: Counts) -> Table:
    """One set of figures by its key, in the reader's language; KeyError for a key that
    names none."""
    return TABLES[key](counts)


def joins_and_leaves_by_month(counts: Counts) -> Table:
    """The last twelve months, this one included, each with its joins and leaves (a person
    who joins two groups joins twice: a membership is what is counted)."""
    return Table(
        key="joins-by-month",
        title=str(_("Joins and leaves per month")),
        columns=[str(_("Month")), str(_("Joins")), str(_("Leaves"))],
        rows=[
            (
                month.strftime("%Y-%m"),
                counts.joins_by_month.get(month, 0),
                counts.leaves_by_month.get(month, 0),
            )
            for month in counts.months
        ],
    )


def joins_and_leaves_by_year(counts: Counts) -> Table:
    """Every year from the network's first membership to this one."""
    return Table(
        key="joins-by-year",
        title=str(_("Joins and leaves per year")),
        columns=[str(_("Year")), str(_("Joins")), str(_("Leaves"))],
        rows=[
            (
                str(year.year),
                counts.joins_by_year.get(year, 0),
                counts.leaves_by_year.get(year, 0),
            )
            for year in counts.years
        ],
    )


def group_sizes(counts: Counts) -> Table:
    """How many groups have one member, two to four, and so on up to the size at which a
    group could found an association; groups without members are left out."""
    edges = counts.size_edges
    rows = []
    for low, high in zip(edges, [*edges[1:], None], strict=True):
        if high is None:
            label = str(_("%(low)s or more") % {"low": low})
        elif high - low == 1:
            label = str(low)
        else:
            label = f"{low}–{high - 1}"
        rows.append((label, counts.groups_by_size.get(low, 0)))
    return Table(
        key="group-sizes",
        title=str(_("Groups by number of members")),
        columns=[str(_("Members")), str(_("Groups"))],
        rows=rows,
    )


def members_by_country(counts: Counts) -> Table:
    return Table(
        key="members-by-country",
        title=str(_("Members by country")),
        columns=[str(_("Country")), str(_("Members"))],
        rows=[(str(countries.name(code) or code), n) for code, n in counts.members_by_country],
    )


def members_by_language(counts: Counts) -> Table:
    names = dict(settings.LANGUAGES)
    return Table(
        key="members-by-language",
        title=str(_("Members by language")),
        columns=[str(_("Language")), str(_("Members"))],
        rows=[(str(names.get(code, code)), n) for code, n in counts.members_by_language],
    )


TABLES: dict[str, Callable[[Counts], Table]] = {
    "joins-by-month": joins_and_leaves_by_month,
    "joins-by-year": joins_and_leaves_by_year,
    "group-sizes": group_sizes,
    "members-by-country": members_by_country,
    "members-by-language": members_by_language,
}


def _members() -> QuerySet[Person]:
    """People with at least one membership that has not ended."""
    return Person.objects.filter(
        Exists(Membership.objects.active().filter(person=OuterRef("pk")))
    ).order_by()


def _groups_with_size() -> QuerySet[DiagnosisGroup]:
    """Every group with `size`, its members now, counted in a subquery per group so that
    the sizes can be grouped and counted again in the same query."""
    size = memberships_per_group(Membership.objects.active().filter(group=OuterRef("pk")))
    return DiagnosisGroup.objects.order_by().annotate(size=size)


def _groups_by_size(groups: QuerySet[DiagnosisGroup], edges: list[int]) -> dict[int, int]:
    """How many groups have a size from each edge up to the next, keyed by the edge."""
    whens = [
        When(size__gte=low, size__lt=high, then=Value(low))
        for low, high in itertools.pairwise(edges)
    ]
    whens.append(When(size__gte=edges[-1], then=Value(edges[-1])))
    return dict(
        groups.filter(Q(size__gte=1))
        .annotate(bucket=Case(*whens, output_field=IntegerField()))
        .values_list("bucket")
        .annotate(n=Count("pk"))
    )


def _count_by(memberships: QuerySet[Membership], period) -> dict[date, int]:
    counted = memberships.order_by().annotate(period=period).values_list("period")
    # Truncated in the network's time zone: a datetime at the start of the local period.
    return {
        start.date() if isinstance(start, datetime) else start: n
        for start, n in counted.annotate(n=Count("pk"))
    }


def _months_back(month: date, n: int) -> date:
    index = month.year * 12 + month.month - 1 - n
    return date(index // 12, index % 12 + 1, 1)
