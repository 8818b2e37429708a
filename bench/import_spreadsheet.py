"""Benchmark of the members import: 10,000 rows from a secretariat's spreadsheet.

    .venv/bin/python -m bench.import_spreadsheet [--rows N]

Writes an xlsx file of N rows (default 10,000: one row per person and diagnosis, some
people in two groups, diagnoses typed as names and as ORPHA codes, phones in the three
Danish forms) against a catalogue of 1,000 entries, then times, in a fresh database, the
reading of the file, the dry run, the import, and a second import of the same file (which
changes nothing). Prints each step's seconds, rows per second and the total. The tasks
run in-process (as in the embedded mode), so the time is the import's own.

Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust). Uses (and drops) the database
`network_import_bench`.
"""

from __future__ import annotations

import argparse
import io
import os
import time

import openpyxl

from bench import database

DB_NAME = "network_import_bench"
GROUPS = 1000
FIRST = ["Søren", "Åse", "Mette", "Jørgen", "Bjørn", "Maja", "Ida", "Øjvind", "Karen", "Lærke"]
LAST = ["Ågård", "Østergaard", "Nørgaard", "Bækgaard", "Sørensen", "Hansen", "Møller", "Kjær"]


def spreadsheet(rows: int, catalogue: list) -> bytes:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Navn", "E-mail", "Telefon", "Adresse", "Postnr", "By", "Diagnose"])
    person = 0
    written = 0
    while written < rows:
        digits = str(28000000 + person)
        phone = [f"{digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}", f"+45{digits}"][
            person % 2
        ]
        details = [
            f"{FIRST[person % 10]} {LAST[person // 10 % 8]} {person}",
            f"person{person}@eksempel.dk",
            phone,
            f"Søndergade {person}",
            str(8000 + person % 900),
            "Århus C",
        ]
        for extra in range(min(2 if person % 10 == 0 else 1, rows - written)):
            entry = catalogue[(person + extra * 7) % GROUPS]
            typed = entry.name if person % 2 else f"ORPHA:{entry.orpha_code}"
            sheet.append([*details, typed])
            written += 1
        person += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    rows = parser.parse_args().rows
    database.recreate(DB_NAME)
    os.environ.update(
        DJANGO_SETTINGS_MODULE="settings.local",
        DEBUG="false",
        DATABASE_URL=database.url(DB_NAME),
        CELERY_TASK_ALWAYS_EAGER="true",
    )
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from diagnoses.models import Diagnosis
    from diagnoses.services import save_diagnosis
    from imports import services
    from members.models import Membership, Person

    try:
        call_command("migrate", verbosity=0, interactive=False)
        staff = User.objects.create_user("bench", is_staff=True)
        catalogue = [
            save_diagnosis(Diagnosis(orpha_code=90000 + i, name=f"Syndrom nummer {i} Ærø"))
            for i in range(GROUPS)
        ]
        data = spreadsheet(rows, catalogue)
        timings = []

        def timed(label: str, step):
            start = time.perf_counter()
            result = step()
            timings.append((label, time.perf_counter() - start))
            return result

        options = services.ImportOptions(consent_version="papir-2019")
        member_import = timed(
            "read the file", lambda: services.start_import("bench.xlsx", data, options, by=staff)
        )
        for label in ("dry run", "import", "dry run again", "import again"):
            if label.startswith("dry run"):
                # Mapping the columns starts the dry run (run in-process after the commit).
                timed(
                    label,
                    lambda: services.map_columns(member_import, member_import.mapping, by=staff),
                )
            else:
                timed(label, lambda: services.confirm_import(member_import, by=staff))
            member_import.refresh_from_db()
            expected = "checked" if label.startswith("dry run") else "imported"
            if member_import.status != expected:
                raise SystemExit(f"{label}: {member_import.status} {member_import.failure}")
        counts = member_import.counts
        if counts["errors"] or counts["to_choose"]:
            raise SystemExit(f"unexpected errors: {counts}")
        if counts["people_new"] or counts["memberships_new"]:
            raise SystemExit(f"the second import changed something: {counts}")
        people, memberships = Person.objects.count(), Membership.objects.count()
        print(f"{rows} rows: {people} people, {memberships} memberships")
        for label, seconds in timings:
            print(f"  {label:<16} {seconds:7.2f} s  {rows / seconds:8.0f} rows/s")
        first = sum(seconds for label, seconds in timings[:3])
        print(f"  first import, dry run included: {first:.2f} s ({rows / first:.0f} rows/s)")
        print(f"  total: {sum(seconds for _label, seconds in timings):.2f} s")
    finally:
        from django.db import connections

        connections.close_all()
        database.drop(DB_NAME)


if __name__ == "__main__":
    main()
