"""Delete what is kept longer than the retention settings allow; `--dry-run` lists it.

    manage.py retention --dry-run

Lists, for each kind of record, how many are due and which, by id and date only (the
output may end up in a log: no names, no addresses). Without --dry-run it removes exactly
what it lists, as the nightly task does (network/tasks.py).
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from network import retention


class Command(BaseCommand):
    help = (
        "Delete applications, contact list versions and email texts kept longer than the "
        "RETENTION_* settings allow, and close applications that wait too long for an answer."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="List what is due, change nothing."
        )

    def handle(self, *args, dry_run: bool, **options):
        plan = retention.plan(timezone.now())
        self.stdout.write(f"Due at {timezone.localtime(plan.now):%Y-%m-%d %H:%M}:")
        for _key, heading, items in plan.sections():
            self.stdout.write(f"{heading}: {len(items)}")
            for description in items.values():
                self.stdout.write(f"  {description}")
        if dry_run:
            self.stdout.write("Dry run: nothing was changed.")
            return
        done = retention.carry_out(plan)
        self.stdout.write(
            "Done: " + ", ".join(f"{key.replace('_', ' ')} {count}" for key, count in done.items())
        )
