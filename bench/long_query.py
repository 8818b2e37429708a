"""Benchmark of the catalogue search's bounds: how fast a 100 KB query is answered.

    .venv/bin/python -m bench.long_query [--runs N] [--no-import]

Issue 11: one POST to /apply/ with a 100 KB diagnosis made of one-letter words held a worker
for 26-28 s. The search now reads at most MAX_QUERY_LENGTH characters and MAX_QUERY_WORDS
words, and the sign-up form does not search a query longer than a name at all. This times,
on the full Orphanet catalogue:

- the whole request, through Django's middleware and the page it renders: the form's
  search button with the 100 KB query, and the application sent with it;
- search_diagnoses itself with the 100 KB query, and with the worst query within the
  bounds (MAX_QUERY_LENGTH characters of one-letter words).

It prints the median, 95th percentile and slowest time of each; the target is 200 ms for
the requests. Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust). Uses (and drops)
the database `network_long_query_bench`.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

from bench import database
from tests.stack import ROOT

DB_NAME = "network_long_query_bench"
DATABASE_URL = database.url(DB_NAME)
PACK = ROOT.parent / "shared/data/orphanet"
HUNDRED_KB = "a " * 50_000
TARGET_MS = 200


def setup_django(import_pack: bool) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="settings.local",
        DEBUG="false",
        DATABASE_URL=DATABASE_URL,
        ALLOWED_HOSTS="testserver",
        # Every request here comes from one address: the rate limits would answer 429.
        RATELIMITS="apply=,search=",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    if import_pack:
        started = time.perf_counter()
        call_command("import_orphanet", str(PACK), verbosity=0, stdout=io.StringIO())
        print(f"Imported the full pack in {time.perf_counter() - started:.1f} s.")
        with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
            conn.execute("ANALYZE")


def timed(what: str, runs: int, operation: Callable[[], object]) -> float:
    operation()  # warm up: templates, connections, plans
    times = []
    for _run in range(runs):
        started = time.perf_counter()
        operation()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(
        f"{what:<58} median {statistics.median(times):6.1f} ms  "
        f"p95 {p95:6.1f} ms  slowest {times[-1]:6.1f} ms"
    )
    return times[-1]


def run(runs: int) -> bool:
    from django.test import Client

    from diagnoses.models import Diagnosis
    from diagnoses.search import MAX_QUERY_LENGTH, MAX_QUERY_WORDS, search_diagnoses

    print(f"Catalogue: {Diagnosis.objects.count()} entries. Query: {len(HUNDRED_KB):,} characters.")
    client = Client()

    def search_button() -> None:
        response = client.post("/apply/", {"diagnosis_query": HUNDRED_KB, "search_diagnosis": "1"})
        assert response.status_code == 200, response.status_code
        assert b"too long to search" in response.content

    def sent_with_the_application() -> None:
        data = {
            "full_name": "Freja Christensen",
            "relationship": "parent",
            "street_address": "Skovvej 12",
            "postal_code": "8000",
            "city": "Aarhus C",
            "country": "DK",
            "phone": "20 12 34 56",
            "email": "freja@example.org",
            "diagnosis_query": HUNDRED_KB,
            "consent_share_contact_details": "on",
            "consent_health_data": "on",
        }
        response = client.post("/apply/", data)
        assert response.status_code == 200, response.status_code
        assert b"too long to search" in response.content

    worst_within_bounds = " ".join("abcdefghijklmnopqrstuvwxyz"[i % 26] for i in range(200))
    worst_within_bounds = worst_within_bounds[:MAX_QUERY_LENGTH]
    slowest = max(
        timed("POST /apply/, search button, 100 KB query", runs, search_button),
        timed(
            "POST /apply/, application sent with a 100 KB query", runs, sent_with_the_application
        ),
    )
    timed("search_diagnoses(100 KB query)", runs, lambda: list(search_diagnoses(HUNDRED_KB)))
    timed(
        f"search_diagnoses({MAX_QUERY_LENGTH} chars, {MAX_QUERY_WORDS}+ one-letter words)",
        runs,
        lambda: list(search_diagnoses(worst_within_bounds)),
    )
    verdict = "within" if slowest < TARGET_MS else "OVER"
    print(f"\nSlowest 100 KB request: {slowest:.1f} ms, {verdict} the {TARGET_MS} ms target.")
    return slowest < TARGET_MS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--no-import", action="store_true", help="an empty catalogue: skip the pack's import"
    )
    args = parser.parse_args(argv)
    if not args.no_import and not Path(PACK).exists():
        print(f"Orphanet's pack is not at {PACK}", file=sys.stderr)
        return 2
    try:
        database.recreate(DB_NAME)
    except psycopg.Error as exc:
        print(
            f"The benchmark needs PostgreSQL at {database.PG_HOST}:{database.PG_PORT}: {exc}",
            file=sys.stderr,
        )
        return 2
    try:
        setup_django(import_pack=not args.no_import)
        within = run(args.runs)
    finally:
        from django.db import connections

        connections.close_all()
        database.drop(DB_NAME)
    return 0 if within else 1


if __name__ == "__main__":
    sys.exit(main())
