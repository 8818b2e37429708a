from __future__ import annotations

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from diagnoses.importing import import_orphanet
from diagnoses.orphanet import PackError, read_pack


class Command(BaseCommand):
    help = (
        "Import or update the diagnosis catalogue from Orphanet's nomenclature pack "
        "(a folder with List_of_rare_diseases_<year>_en.xlsx, "
        "ORPHAnomenclature_MasterFile_en_<year>.xlsx and classifications-en/*.xml). "
        "Safe to re-run: entries are updated in place by ORPHA code."
    )

    def add_arguments(self, parser):
        parser.add_argument("pack", type=Path, help="The folder holding the pack's files.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change, change nothing."
        )

    def handle(self, *args, pack: Path, dry_run: bool, **options):
        started = time.monotonic()
        try:
            contents = read_pack(pack)
        except PackError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Read {len(contents.entries)} active codes, "
            f"{sum(len(e.synonyms) for e in contents.entries.values())} synonyms, "
            f"{len(contents.retired)} retired codes, "
            f"{len(contents.parents or ())} parent links "
            f"in {time.monotonic() - started:.1f}s."
        )
        report = import_orphanet(contents, dry_run=dry_run)
        for line in report.lines():
            self.stdout.write(line)
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
        self.stdout.write(f"Done in {time.monotonic() - started:.1f}s.")
