"""Helping a group found its own patient association (DESIGN.md flow 6): which groups are
large enough, the steps on the way, and telling the group's members, once, where their
association is when the group points to it. From then on the group admits no one new
(members/services.py): applicants are referred to the association."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    F,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
)
from django.utils import timezone
from django.utils.translation import gettext as _

from diagnoses.models import Association, DiagnosisGroup
from members.models import Membership, Person, memberships_per_group
from outbox import emails
from outbox.models import OutgoingEmail
from outbox.services import queue_email

from .models import AssociationNotice, FoundingStep, GroupReadyToFound

NOTICE_EMAIL = "association_notice"
GROWTH_PERIOD = timedelta(days=365)


class IsAnyOf(Func):
    """`value = ANY(array)` on PostgreSQL: a list of values sent as one parameter."""

    arg_joiner = " = ANY("
    template = "(%(expressions)s))"
    output_field = BooleanField()


# How often a worker flags the groups large enough (settings.CELERY_BEAT_SCHEDULE).
FLAGGED_EVERY = timedelta(minutes=10)
FLAGGED_CACHE_KEY = "founding:flagged-groups"


def _large_enough(active: QuerySet[Membership]) -> QuerySet:
    """The groups of NETWORK_ASSOCIATION_READY_MEMBERS or more, in one pass over the index
    of active memberships."""
    return (
        active.order_by()
        .values("group")
        .annotate(n=Count("pk"))
        .filter(n__gte=settings.NETWORK_ASSOCIATION_READY_MEMBERS)
        .values_list("group", flat=True)
    )


def flag_large_groups() -> None:
    """Finds the groups large enough for the list of groups ready for an association, for
    a worker every ten minutes: at a million members the pass over the memberships takes
    a tenth of a second, which the list then need not make on each view. Without a flag
    at hand (no worker, or the first minutes) the list makes it itself."""
    # Taken before the pass, so that a membership made during it counts as new.
    newest = Membership.objects.aggregate(newest=Max("pk"))["newest"] or 0
    flagged = list(_large_enough(Membership.objects.active()))
    cache.set(
        FLAGGED_CACHE_KEY,
        {"groups": flagged, "newest_membership": newest},
        FLAGGED_EVERY.total_seconds() * 2,
    )


def _flagged_or_grown_since(flag: dict, active: QuerySet[Membership]) -> Q:
    """The groups the worker flagged, and those that a membership made since has brought
    to the size: staff who approve the fifteenth member find the group on the list at
    once, and the few new memberships are found along the primary key."""
    grown = active.filter(pk__gt=flag["newest_membership"]).values("group")
    grown_large_enough = Q(pk__in=_large_enough(active.filter(group__in=grown)))
    if connection.vendor == "postgresql":
        # Thousands of ids as one array: as literals, splitting them into the query
        # would cost psycopg more than the pass over the memberships they stand for.
        ids = Value(flag["groups"], output_field=ArrayField(IntegerField()))
        return Q(IsAnyOf(F("pk"), ids)) | grown_large_enough
    return Q(pk__in=flag["groups"]) | grown_large_enough


def ready_groups(now=None) -> QuerySet[GroupReadyToFound]:
    """Open groups of NETWORK_ASSOCIATION_READY_MEMBERS or more, and every group on its way
    (a founding step recorded), by name, each with `size`, `joined_last_year` and
    `association_covers` (an association in the catalogue already covers one of its
    diagnoses). By name rather than by size: sorted by size, every group's size would be
    counted before the first page (the list sorts by size when asked)."""
    now = now or timezone.now()
    active = Membership.objects.active()
    flag = cache.get(FLAGGED_CACHE_KEY)
    if flag is None:
        large_enough = Q(pk__in=_large_enough(active))
    else:
        large_enough = _flagged_or_grown_since(flag, active)
    joined = Membership.objects.filter(group=OuterRef("pk"), joined_at__gte=now - GROWTH_PERIOD)
    covering = Association.objects.filter(diagnoses__groups=OuterRef("pk"))
    return (
        GroupReadyToFound.objects.filter(
            (large_enough & Q(status=DiagnosisGroup.Status.OPEN))
            | Q(Exists(FoundingStep.objects.filter(group=OuterRef("pk"))))
        )
        .annotate(
            size=memberships_per_group(active.filter(group=OuterRef("pk"))),
            joined_last_year=memberships_per_group(joined),
            association_covers=Exists(covering),
        )
        .order_by("name")
    )


def record_step(
    group: DiagnosisGroup,
    step: str,
    on: date,
    *,
    by,
    note: str = "",
    association: Association | None = None,
) -> FoundingStep:
    """Record a step towards the group's own association. The last step, the group pointing
    to its association, admits no one new to the group and tells its members where the
    association is."""
    points_to_it = step == FoundingStep.Step.POINTS_TO_IT
    if points_to_it and association is None:
        raise ValidationError({"association": _("Choose the association the group founded.")})
    with transaction.atomic():
        recorded = FoundingStep.objects.create(
            group=group, step=step, on=on, note=note, association=association, recorded_by=by
        )
        if points_to_it and association is not None:
            group.status = DiagnosisGroup.Status.HAS_ASSOCIATION
            group.association = association
            group.save(update_fields=["status", "association"])
            tell_members(group, association)
    return recorded


def tell_members(group: DiagnosisGroup, association: Association) -> int:
    """One email to each member of the group, in their language, saying where the group's
    association is; a member already told about it is not told again. Returns how many
    were told now."""
    told = AssociationNotice.objects.filter(group=group, association=association).values("person")
    members = Person.objects.in_group(group).exclude(pk__in=told).order_by("pk")
    count = 0
    for person in members:
        rendered = emails.render(
            NOTICE_EMAIL,
            {"person": person, "group_name": group.name, "association": association},
            person.language,
        )
        email = queue_email(rendered, person.email, kind=NOTICE_EMAIL, about=group.name)
        AssociationNotice.objects.create(
            group=group, association=association, person=person, email=email
        )
        count += 1
    return count


def member_told(email: OutgoingEmail) -> tuple[str, uuid.UUID] | None:
    """The member an association notice went to, for the access log; None once erased."""
    pseudonym = (
        AssociationNotice.objects.filter(email=email)
        .values_list("person__pseudonym", flat=True)
        .first()
    )
    return None if pseudonym is None else ("person", pseudonym)
