"""Retention: each app deletes what it holds longer than the network may keep it.

The periods are settings (RETENTION_*_DAYS). Each app owns its part (`outbox.retention`,
`contactlists.retention`, `members.retention`); this joins them into one plan, found once
at one moment, which `manage.py retention --dry-run` prints and the nightly task carries
out, so that what is removed is what the plan listed. Carrying it out removes only what is
still due (an application confirmed since the plan was made stays).

The outbox goes first: an email that is due to lose its text and belongs to an application
that is due to go is first emptied, then deleted with it, as both lines of the plan say.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction

from contactlists import retention as contactlists
from members import retention as members
from outbox import retention as outbox

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Plan:
    now: datetime
    outbox: outbox.Plan
    contactlists: contactlists.Plan
    members: members.Plan

    def sections(self) -> list[tuple[str, str, dict[int, str]]]:
        """(key, what is done, {id: what it is}) for each kind of record, in the order
        they are carried out."""
        return [
            *self.outbox.sections(),
            *self.contactlists.sections(),
            *self.members.sections(),
        ]


def plan(now: datetime) -> Plan:
    """What is due at `now`."""
    return Plan(now, outbox.plan(now), contactlists.plan(now), members.plan(now))


def carry_out(plan: Plan) -> dict[str, int]:
    """Remove what the plan lists, in one transaction; returns how many of each kind,
    which are logged (counts only: nothing that names anyone)."""
    with transaction.atomic():
        done = {
            **outbox.carry_out(plan.outbox),
            **contactlists.carry_out(plan.contactlists),
            **members.carry_out(plan.members),
        }
    logger.info("Retention: %s", ", ".join(f"{key} {count}" for key, count in done.items()))
    return done
