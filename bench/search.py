"""Benchmark of typo-tolerant diagnosis search on the full Orphanet catalogue.

    .venv/bin/python -m bench.search [--queries N] [--seed S]

Imports the pack from ../shared/data/orphanet into a fresh database, then searches for
misspellings of real names: one letter wrong, a word missing, and Nordic or German letters
typed without them (Å -> aa/a, ö -> o...); then for names as members write them, in Danish,
Swedish, Norwegian, Finnish and English (bench/nordic_queries.py). Prints for each the rank
of the intended entry (its place in the results, "-" when not in the first ten) and the
time, then for each set apart the share found in the first three, by kind and in all, and
the median and 95th percentile times.

Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust). Uses (and drops) the database
`network_search_bench`.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import sys
import time
from pathlib import Path

import psycopg

from bench import database
from bench.nordic_queries import QUERIES
from tests.stack import ROOT

DB_NAME = "network_search_bench"
DATABASE_URL = database.url(DB_NAME)
PACK = ROOT.parent / "shared/data/orphanet"
LETTERS = "abcdefghijklmnopqrstuvwxyz"
# Typed without the letter: plain, as on a keyboard without it.
PLAIN = str.maketrans({"å": "a", "Å": "A", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "Ae"})
PLAIN |= str.maketrans({"ö": "o", "Ö": "O", "ü": "u", "Ü": "U", "ä": "a", "Ä": "A"})


def setup_django() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="settings.local", DEBUG="false", DATABASE_URL=DATABASE_URL
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    for what in ("Import of the full pack", "Re-import of the same pack"):
        report = io.StringIO()
        started = time.perf_counter()
        call_command("import_orphanet", str(PACK), verbosity=0, stdout=report)
        took = time.perf_counter() - started
        # The import's own report, without its first (what it read) and last (time) lines.
        changes = "; ".join(report.getvalue().strip().splitlines()[1:-1])
        print(f"{what}: {took:.1f} s. {changes}")
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        conn.execute("ANALYZE")


def one_letter_wrong(name: str, rng: random.Random) -> str:
    words = name.split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    i = rng.choice(long_words)
    word = words[i]
    at = rng.randrange(1, len(word))
    wrong = rng.choice([c for c in LETTERS if c != word[at].lower()])
    words[i] = word[:at] + wrong + word[at + 1 :]
    return " ".join(words)


def word_missing(name: str, rng: random.Random) -> str:
    words = name.split()
    del words[rng.randrange(1, len(words))]
    return " ".join(words)


def misspellings(count: int, seed: int) -> list[tuple[str, str, int, str]]:
    """(kind, query, intended ORPHA code, real name), a third of each kind."""
    from diagnoses.models import Diagnosis

    rng = random.Random(seed)
    entries = list(
        Diagnosis.objects.filter(is_active=True)
        .order_by("orpha_code")
        .values_list("orpha_code", "name")
    )
    per_kind = count // 3
    with_letters = [(c, n) for c, n in entries if n.translate(PLAIN) != n]
    two_words = [(c, n) for c, n in entries if any(len(w) >= 5 and w.isalpha() for w in n.split())]
    three_words = [(c, n) for c, n in entries if 3 <= len(n.split()) <= 6]
    queries = []
    for code, name in rng.sample(two_words, per_kind):
        queries.append(("letter wrong", one_letter_wrong(name, rng), code, name))
    for code, name in rng.sample(three_words, per_kind):
        queries.append(("word missing", word_missing(name, rng), code, name))
    for code, name in rng.sample(with_letters, min(per_kind, len(with_letters))):
        queries.append(("no æøåöü", name.translate(PLAIN), code, name))
    return queries


def nordic_and_lay() -> list[tuple[str, str, int, str]]:
    """(kind, query, intended ORPHA code, real name): the developers' set of names as
    members write them (bench/nordic_queries.py), kind as "language kind"."""
    from diagnoses.models import Diagnosis

    names = dict(
        Diagnosis.objects.filter(
            is_active=True, orpha_code__in=[code for *_, code in QUERIES]
        ).values_list("orpha_code", "name")
    )
    missing = sorted({code for *_, code in QUERIES} - set(names))
    if missing:
        raise SystemExit(f"Not active in the pack: ORPHA {missing}")
    return [
        (f"{language} {kind}", query, code, names[code]) for language, kind, query, code in QUERIES
    ]


def measure(title: str, queries: list[tuple[str, str, int, str]]) -> None:
    """Search each query; print its rank and time, then the share in the first three, by
    kind and in all, and the median and 95th percentile times."""
    from diagnoses.search import search_diagnoses

    print(f"\n== {title}")
    ranks, times = [], []
    by_kind: dict[str, list[bool]] = {}
    print(f"{'kind':<17} {'rank':>4} {'ms':>6}  query -> intended")
    for kind, query, code, name in queries:
        started = time.perf_counter()
        found = [d.orpha_code for d in search_diagnoses(query)]
        took = (time.perf_counter() - started) * 1000
        rank = found.index(code) + 1 if code in found else None
        ranks.append(rank)
        times.append(took)
        by_kind.setdefault(kind, []).append(bool(rank and rank <= 3))
        print(f"{kind:<17} {rank or '-':>4} {took:6.1f}  {query!r} -> {name} (ORPHA:{code})")
    hits = sum(1 for rank in ranks if rank and rank <= 3)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print()
    for kind, found_in_three in sorted(by_kind.items()):
        print(f"  {kind:<17} {sum(found_in_three)}/{len(found_in_three)} in the first three")
    print(
        f"{title}: found in the first three: {hits}/{len(ranks)} ({100 * hits / len(ranks):.0f}%)"
    )
    print(f"{title}: time per search: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms")


def run(count: int, seed: int) -> None:
    from diagnoses.search import search_diagnoses

    search_diagnoses("warm up")
    measure("Misspellings of catalogue names", misspellings(count, seed))
    measure("Nordic and lay names", nordic_and_lay())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2025)
    args = parser.parse_args(argv)
    if not Path(PACK).exists():
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
        setup_django()
        run(args.queries, args.seed)
    finally:
        from django.db import connections

        connections.close_all()
        database.drop(DB_NAME)
    return 0


if __name__ == "__main__":
    sys.exit(main())
