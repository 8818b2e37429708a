"""The network at a glance, in figures: members, groups, applications, joins and leaves
over time, group sizes, countries and languages, groups alone and groups ready for an
association, failed emails. DESIGN.md flow 8.

Every figure is counted by the database, in a fixed number of queries whatever the size of
the network: no query returns a row per member, and none runs per group.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
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
class Overview:
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
    now = timezone.localtime(now or timezone.now())
    ready_size = settings.NETWORK_ASSOCIATION_READY_MEMBERS
    groups = _groups_with_size()
    group_counts = groups.aggregate(
        total=Count("pk"),
        with_members=Count("pk", filter=Q(size__gte=1)),
        alone=Count("pk", filter=Q(size=1)),
        ready=Count("pk", filter=Q(size__gte=ready_size, status=DiagnosisGroup.Status.OPEN)),
    )
    members = _members()
    return Overview(
        members=members.count(),
        groups=group_counts["total"],
        groups_with_members=group_counts["with_members"],
        applications_waiting=Application.objects.awaiting_review().count(),
        failed_emails=OutgoingEmail.objects.filter(status=OutgoingEmail.Status.FAILED).count(),
        groups_alone=group_counts["alone"],
        groups_ready=group_counts["ready"],
        ready_size=ready_size,
        median_days_to_decision=review.queue_health(now).median_days_to_decision,
        tables=[build() for build in _tables(now).values()],
    )


def table(key: str, now: datetime | None = None) -> Table:
    """One set of figures by its key; KeyError for a key that names none."""
    return _tables(timezone.localtime(now or timezone.now()))[key]()


def _tables(now: datetime) -> dict[str, Callable[[], Table]]:
    ready_size = settings.NETWORK_ASSOCIATION_READY_MEMBERS
    return {
        "joins-by-month": lambda: joins_and_leaves_by_month(now.date()),
        "joins-by-year": lambda: joins_and_leaves_by_year(now.date()),
        "group-sizes": lambda: group_sizes(_groups_with_size(), ready_size),
        "members-by-country": lambda: members_by_country(_members()),
        "members-by-language": lambda: members_by_language(_members()),
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


def joins_and_leaves_by_month(today: date) -> Table:
    """The last twelve months, this one included, each with its joins and leaves (a person
    who joins two groups joins twice: a membership is what is counted)."""
    first = _months_back(today.replace(day=1), MONTHS_SHOWN - 1)
    months = [_months_back(first, -n) for n in range(MONTHS_SHOWN)]
    since = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    joins = _count_by(Membership.objects.filter(joined_at__gte=since), TruncMonth("joined_at"))
    leaves = _count_by(Membership.objects.filter(left_at__gte=since), TruncMonth("left_at"))
    return Table(
        key="joins-by-month",
        title=str(_("Joins and leaves per month")),
        columns=[str(_("Month")), str(_("Joins")), str(_("Leaves"))],
        rows=[
            (month.strftime("%Y-%m"), joins.get(month, 0), leaves.get(month, 0)) for month in months
        ],
    )


def joins_and_leaves_by_year(today: date) -> Table:
    """Every year from the network's first membership to this one."""
    joins = _count_by(Membership.objects.all(), TruncYear("joined_at"))
    leaves = _count_by(Membership.objects.exclude(left_at=None), TruncYear("left_at"))
    first_year = min([day.year for day in [*joins, *leaves]], default=today.year)
    years = [date(year, 1, 1) for year in range(first_year, today.year + 1)]
    return Table(
        key="joins-by-year",
        title=str(_("Joins and leaves per year")),
        columns=[str(_("Year")), str(_("Joins")), str(_("Leaves"))],
        rows=[(str(year.year), joins.get(year, 0), leaves.get(year, 0)) for year in years],
    )


def group_sizes(groups: QuerySet[DiagnosisGroup], ready_size: int) -> Table:
    """How many groups have one member, two to four, and so on up to the size at which a
    group could found an association; groups without members are left out."""
    edges = sorted({edge for edge in (1, 2, 5, 10) if edge < ready_size} | {ready_size})
    whens = [
        When(size__gte=low, size__lt=high, then=Value(low))
        for low, high in itertools.pairwise(edges)
    ]
    whens.append(When(size__gte=edges[-1], then=Value(edges[-1])))
    by_bucket: dict[int, int] = dict(
        groups.filter(Q(size__gte=1))
        .annotate(bucket=Case(*whens, output_field=IntegerField()))
        .values_list("bucket")
        .annotate(n=Count("pk"))
    )
    rows = []
    for low, high in zip(edges, [*edges[1:], None], strict=True):
        if high is None:
            label = str(_("%(low)s or more") % {"low": low})
        elif high - low == 1:
            label = str(low)
        else:
            label = f"{low}–{high - 1}"
        rows.append((label, by_bucket.get(low, 0)))
    return Table(
        key="group-sizes",
        title=str(_("Groups by number of members")),
        columns=[str(_("Members")), str(_("Groups"))],
        rows=rows,
    )


def members_by_country(members: QuerySet[Person]) -> Table:
    counted = members.values_list("country").annotate(n=Count("pk")).order_by("-n", "country")
    return Table(
        key="members-by-country",
        title=str(_("Members by country")),
        columns=[str(_("Country")), str(_("Members"))],
        rows=[(str(countries.name(code) or code), n) for code, n in counted],
    )


def members_by_language(members: QuerySet[Person]) -> Table:
    names = dict(settings.LANGUAGES)
    counted = members.values_list("language").annotate(n=Count("pk")).order_by("-n", "language")
    return Table(
        key="members-by-language",
        title=str(_("Members by language")),
        columns=[str(_("Language")), str(_("Members"))],
        rows=[(str(names.get(code, code)), n) for code, n in counted],
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
