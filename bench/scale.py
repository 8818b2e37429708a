"""Staff and public pages at a national scale: 10,000 and 1,000,000 members (issue 17).

    make bench-scale
    .venv/bin/python -m bench.scale [--members N [N ...]] [--runs R]

For each size N (10,000 and then 1,000,000 unless --members says otherwise), in a fresh
PostgreSQL database:

1. Loads a network of N members with COPY, in a few minutes at a million: N people
   (Nordic names, +45 phones, mostly Danish), N/100 diagnosis groups (one of exactly 1,000
   members, many small, a few of one member) each with its catalogue entry, a catalogue of
   at least 10,000 entries, about N memberships (some people in two groups, some ended),
   their consents, N/20 applications (N/500 waiting for review) with their log and emails,
   N/60 contact list versions with their entries, about N deliveries each with its email
   in the outbox (or a letter), a few hundred patient associations and an access log of
   N/10 records; then a few rows of everything else through the services (a report of
   misuse and a suspension, a consultation, a meetup, a mailing, an import, a founding
   step, staff sign-in records). Prints the rows and seconds per table, and checks a
   sample of the rows against the models (full_clean, the big group's list as
   build_contact_list would write it, every foreign key).
2. Times, R runs each (default 7; the first is a warm-up and is left out), through
   Django's test client as a signed-in superuser: every changelist on the admin site, a
   change page of one object of each, the changelists with a search (a name prefix, an
   email address), the decision pages of one application under review, and, anonymously,
   the public pages. Then approving R applications into the 1,000-member group
   (members.services, the list build task not run) and building each new version of its
   list (contactlists.services.build_contact_list), each timed on its own; and the count
   that a worker takes for the dashboard every ten minutes (overview.tasks.count_network).

Per page it prints the SQL queries (the last run's), median and p95 in ms (of six runs the
p95 is the slowest) and the status; a page that raises is reported with its traceback. A
request is stopped after a minute and not run again. It ends with a table of every page at
every size side by side, marking those over the issue's targets: p95 under 300 ms for
admin pages, 50 ms for approving, 100 ms for public pages (a worker's building and
counting have none). The exit status is 0 whether or not the targets are met: it is a
measurement.

Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust); exits with status 2 when it
does not answer. Uses (and drops) the database `network_scale_bench`. Tasks are published
to Celery's in-memory broker and never run; nothing is sent.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import random
import secrets
import signal
import statistics
import sys
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import NamedTuple

import psycopg

from bench import database

DB_NAME = "network_scale_bench"
DEFAULT_SIZES = [10_000, 1_000_000]
BIG_GROUP = 1_000
# p95 targets of issue 17, in ms, by kind of page; what a worker does has none.
TARGETS = {"admin": 300, "approve": 50, "public": 100}
# A page this slow is run once only: its figure says enough.
GIVE_UP_SECONDS = 60
SEED = 17
# How many queries CaptureQueriesContext keeps (BaseDatabaseWrapper.queries_limit).
QUERY_LOG_SIZE = 9_000

FIRST_NAMES = [
    "Søren", "Åse", "Mette", "Jørgen", "Bjørn", "Maja", "Ida", "Øjvind", "Karen", "Lærke",
    "Anne", "Jens", "Kirsten", "Lars", "Hanne", "Niels", "Freja", "Mikkel", "Rasmus", "Sofie",
    "Frederik", "Emma", "Jesper", "Aase", "Line", "Ægir", "Birgitte", "Torben", "Gitte", "Bent",
    "Signe", "Asger", "Astrid", "Dorthe", "Helle", "Morten", "Trine", "Ulla", "Vibeke", "Thøger",
    "Åsa", "Björn", "Märta", "Göran", "Ingrid", "Sigrid", "Håkon", "Solveig", "Øystein", "Eero",
    "Aino", "Päivi", "Jyrki", "Sanna", "Mikael", "Kaja", "Nanna", "Bodil", "Malthe", "Alma",
]  # fmt: skip
LAST_NAMES = [
    "Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Møller",
    "Østergaard", "Nørgaard", "Bækgaard", "Ågård", "Kjær", "Lauridsen", "Dahl", "Holm", "Skov",
    "Bach", "Lund", "Fog", "Bøgh", "Frøkjær", "Söderberg", "Lindqvist", "Åberg", "Öberg",
    "Berg", "Haugen", "Bråten", "Solberg", "Kårstad", "Virtanen", "Mäkinen", "Hämäläinen",
    "Korhonen", "Nieminen", "Lehtonen", "Damgaard", "Søgaard", "Kløve",
]  # fmt: skip
# Per country: (postal code, town) pairs, street names, and the languages its people read.
PLACES = {
    "DK": (
        [("8000", "Aarhus C"), ("5000", "Odense C"), ("9000", "Aalborg"), ("2100", "København Ø"),
         ("2200", "København N"), ("7100", "Vejle"), ("6700", "Esbjerg"), ("4000", "Roskilde"),
         ("8900", "Randers"), ("3000", "Helsingør"), ("6000", "Kolding"), ("8600", "Silkeborg"),
         ("4700", "Næstved"), ("7400", "Herning"), ("3400", "Hillerød"), ("6400", "Sønderborg"),
         ("2800", "Kongens Lyngby"), ("9800", "Hjørring"), ("5700", "Svendborg"),
         ("7500", "Holstebro")],
        ["Skovvej", "Strandvejen", "Østergade", "Kirkevej", "Møllevej", "Engvej", "Bøgevej",
         "Søndergade", "Nørregade", "Åboulevarden", "Vestergade", "Rådhusstræde"],
        ["da"] * 24 + ["en"],
    ),
    "SE": (
        [("114 55", "Stockholm"), ("411 01", "Göteborg"), ("211 20", "Malmö"),
         ("753 20", "Uppsala")],
        ["Storgatan", "Kungsgatan", "Drottninggatan", "Västra vägen"],
        ["sv"],
    ),
    "NO": (
        [("0150", "Oslo"), ("5003", "Bergen"), ("7011", "Trondheim"), ("4006", "Stavanger")],
        ["Storgata", "Kirkegata", "Bjørnstjerne Bjørnsons gate"],
        ["nb"],
    ),
    "FI": (
        [("00100", "Helsinki"), ("33100", "Tampere"), ("20100", "Turku"), ("90100", "Oulu")],
        ["Mannerheimintie", "Hämeenkatu", "Aleksanterinkatu"],
        ["fi"] * 4 + ["sv"],
    ),
}  # fmt: skip
COUNTRIES = [("DK", 0.85), ("SE", 0.91), ("NO", 0.96), ("FI", 1.0)]
RELATIONSHIPS = [("parent", 0.45), ("patient", 0.80), ("relative", 0.90), ("guardian", 1.0)]
EMAIL_DOMAINS = ["example.org", "example.net", "example.com"]
FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe"})
# The catalogue's names: eponyms, and what kind of disorder they name.
EPONYMS = [
    "Alström", "Kabuki", "Marfan", "Williams", "Angelman", "Prader", "Noonan", "Sotos", "Rett",
    "Fabry", "Gaucher", "Pompe", "Hunter", "Hurler", "Sanfilippo", "Morquio", "Wolfram",
    "Bardet", "Cockayne", "Dravet", "Ehlers", "Danlos", "Fanconi", "Alport", "Batten", "Canavan",
    "Krabbe", "Leigh", "Menkes", "Niemann", "Pick", "Refsum", "Stargardt", "Usher", "Wilson",
    "Zellweger", "Aicardi", "Bloom", "Costello", "Duane", "Kallmann", "Kearns", "Sayre", "Lowe",
    "Möbius", "Pfeiffer", "Crouzon", "Apert", "Treacher", "Waardenburg",
]  # fmt: skip
KINDS = ["syndrome", "disease", "disorder", "dystrophy", "anomaly"]

MASK = (1 << 64) - 1


def mix(i: int, salt: int) -> int:
    """A well-spread 64-bit number from i and a salt, one-to-one in i: a person's name,
    phone and choices follow from their number, so any row can be written again from it."""
    x = (i * 0x9E3779B97F4A7C15 + salt * 0xD1B54A32D192ED03) & MASK
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def frac(i: int, salt: int) -> float:
    return mix(i, salt) / 2**64


def pick(weighted: list[tuple[str, float]], f: float) -> str:
    """The first choice whose cumulative share is above f."""
    return next(choice for choice, upto in weighted if f < upto)


def pseudonym(i: int, salt: int) -> uuid.UUID:
    return uuid.UUID(int=mix(i, salt) << 64 | mix(i, salt + 1), version=4)


class Details(NamedTuple):
    full_name: str
    relationship: str
    birth_year: int | None
    street_address: str
    postal_code: str
    city: str
    country: str
    phone: str
    email: str
    language: str


def details(i: int) -> Details:
    """Person (or applicant) number i: unique email and phone, the rest drawn from i.
    Phones are Danish mobile numbers from +45 26 00 00 00, all valid (27 and 28 too)."""
    first, last = FIRST_NAMES[mix(i, 1) % 60], LAST_NAMES[mix(i, 2) % len(LAST_NAMES)]
    name = f"{first} {LAST_NAMES[mix(i, 3) % len(LAST_NAMES)]} {last}" if i % 9 == 0 else None
    country = pick(COUNTRIES, frac(i, 4))
    towns, streets, languages = PLACES[country]
    postal_code, city = towns[mix(i, 5) % len(towns)]
    return Details(
        full_name=name or f"{first} {last}",
        relationship=pick(RELATIONSHIPS, frac(i, 6)),
        birth_year=None if frac(i, 7) < 0.1 else 1940 + mix(i, 8) % 85,
        street_address=f"{streets[mix(i, 9) % len(streets)]} {mix(i, 10) % 180 + 1}",
        postal_code=postal_code,
        city=city,
        country=country,
        phone=f"+45{26_000_000 + i}",
        email=f"{first.lower().translate(FOLD)}.{last.lower().translate(FOLD)}.{i}"
        f"@{EMAIL_DOMAINS[i % 3]}",
        language=languages[mix(i, 11) % len(languages)],
    )


def sharing(i: int) -> tuple[bool, bool, bool, bool]:
    """What person i shares beside name and email: address, phone, relationship, birth year."""
    return frac(i, 12) < 0.85, frac(i, 13) < 0.8, frac(i, 14) < 0.9, frac(i, 15) < 0.2


def by_post(i: int) -> bool:
    return frac(i, 16) < 0.002


def optional_consents(i: int) -> dict[str, bool]:
    return {"mailings": frac(i, 17) < 0.6, "meetups": frac(i, 18) < 0.4,
            "online_group": frac(i, 19) < 0.25}  # fmt: skip


def shown_phone(e164: str) -> str:
    """A +45 number as str(PhoneNumber) shows it (PHONENUMBER_DEFAULT_FORMAT international)."""
    d = e164[3:]
    return f"+45 {d[0:2]} {d[2:4]} {d[4:6]} {d[6:8]}"


def entry_json(i: int, person: Details) -> str:
    """Person i's entry on a list, as contactlists.services.shared_entry makes it, as JSON
    without its closing brace: each version adds its own "is_new"."""
    address, phone, relationship, birth_year = sharing(i)
    entry = {
        "person_id": i,
        "full_name": person.full_name,
        "relationship": person.relationship if relationship else "",
        "birth_year": person.birth_year if birth_year else None,
        "address": {
            "street_address": person.street_address,
            "postal_code": person.postal_code,
            "city": person.city,
            "country": person.country,
        }
        if address
        else None,
        "phone": shown_phone(person.phone) if phone else "",
        "email": person.email,
    }
    return json.dumps(entry, ensure_ascii=False)[:-1]


# What closes an entry_json: whether the member is new in the version.
NEW, OLD = ', "is_new": true}', ', "is_new": false}'


def diagnosis_name(i: int) -> str:
    """Catalogue entry i's name: unique for every i."""
    e = len(EPONYMS)
    first, second, kind = EPONYMS[i % e], EPONYMS[i // e % e], KINDS[i // e // e % len(KINDS)]
    name = f"{first} {kind}" if first == second else f"{first}-{second} {kind}"
    rounds = i // (e * e * len(KINDS))
    return f"{name} type {rounds + 1}" if rounds else name


@dataclass(frozen=True)
class Shape:
    """How much of everything a network of `members` people has: linear in the members,
    as issue 17 measured at a million, but for the catalogue (at least Orphanet's size)."""

    members: int

    @property
    def groups(self) -> int:
        return self.members // 100

    @property
    def catalogue(self) -> int:
        return max(10_000, self.groups + self.groups // 10)

    @property
    def associations(self) -> int:
        return max(20, self.members // 3_000)

    @property
    def applications(self) -> int:
        return self.members // 20

    @property
    def awaiting(self) -> int:
        return self.members // 500

    @property
    def list_versions(self) -> int:
        return self.members // 60

    @property
    def access_records(self) -> int:
        return self.members // 10


@dataclass
class Network:
    """What the timing needs from the loaded network."""

    big_group: int = 0
    big_diagnosis: int = 0
    member: int = 0  # a member of the big group who is in a second group too
    membership: int = 0  # theirs of the big group
    member_email: int = 0  # the email of their copy of the big group's latest list
    latest_list: int = 0  # the big group's latest version
    review_application: int = 0  # waiting for review, for the big group's diagnosis
    to_approve: list[int] = field(default_factory=list)  # more of those
    association_word: str = ""  # a word of a diagnosis that an association covers
    member_name: str = ""  # a prefix of the member's name, to search for
    member_address: str = ""  # the member's email address, to search for


class Copy:
    """COPY into several tables at once, each over its own connection, so that PostgreSQL
    takes in one table's rows while Python makes the next ones. Foreign keys are not
    checked row by row (session_replication_role replica); `check_foreign_keys` checks
    them all afterwards, in one query per key.

    Rows are tuples in the order of the columns given per model. A column named with a
    trailing "?" is one the model may not have (yet): without it, its values are left out.
    A column that the model has and the loader does not fill is left NULL where it may be,
    and otherwise given the field's default, with a warning: a new field may need the
    loader to fill it truly.
    """

    def __init__(self, url: str, columns: dict, counts: dict[str, int]):
        self.url, self.columns, self.counts = url, columns, counts
        self.copies: dict = {}
        self.extras: dict = {}
        self.kept: dict = {}

    def __enter__(self) -> Copy:
        for model, given in self.columns.items():
            known = {f.column for f in model._meta.local_concrete_fields}
            kept = [k for k, c in enumerate(given) if not c.endswith("?") or c[:-1] in known]
            self.kept[model] = None if len(kept) == len(given) else kept
            columns = [given[k].rstrip("?") for k in kept]
            self.extras[model] = unfilled_columns(model, columns)
            names = [*columns, *(column for column, _default in self.extras[model])]
            conn = psycopg.connect(self.url)
            conn.execute("SET session_replication_role = replica")
            conn.execute("SET synchronous_commit = off")
            cursor = conn.cursor()
            statement = f'COPY "{model._meta.db_table}" ({", ".join(names)}) FROM STDIN'
            copy = cursor.copy(statement, writer=psycopg.copy.QueuedLibpqWriter(cursor))
            self.copies[model] = (conn, copy, copy.__enter__())
            self.counts.setdefault(model._meta.db_table, 0)
        return self

    def row(self, model, values: tuple) -> None:
        if kept := self.kept[model]:
            values = tuple(values[k] for k in kept)
        extras = self.extras[model]
        if extras:
            values = (*values, *(default() for _column, default in extras))
        self.copies[model][2].write_row(values)
        self.counts[model._meta.db_table] += 1

    def __exit__(self, *exc) -> None:
        for conn, copy, _writer in self.copies.values():
            copy.__exit__(*exc)
            if exc[0] is None:
                conn.commit()
            conn.close()


def unfilled_columns(model, columns: list[str]) -> list[tuple[str, Callable[[], object]]]:
    from django.db import models

    known = {f.column for f in model._meta.local_concrete_fields}
    if unknown := set(columns) - known:
        raise SystemExit(
            f"{model._meta.db_table} has no column {sorted(unknown)}: update bench/scale.py"
        )
    extras = []
    for f in model._meta.local_concrete_fields:
        if f.column in columns or f.null or isinstance(f, models.AutoField):
            continue
        if not f.has_default():
            raise SystemExit(f"bench/scale.py does not fill {model._meta.db_table}.{f.column}")
        print(f"  warning: {model._meta.db_table}.{f.column} is filled with its default")
        dump = json.dumps if isinstance(f, models.JSONField) else (lambda value: value)
        extras.append((f.column, lambda f=f, dump=dump: dump(f.get_default())))
    return extras


class Loader:
    """Makes the rows of one network and copies them in; see the module's docstring."""

    def __init__(self, shape: Shape, runs: int, staff: list, url: str):
        self.shape, self.runs, self.url = shape, runs, url
        self.staff = [(user.pk, user.username) for user in staff]
        self.rng = random.Random(SEED)
        self.counts: dict[str, int] = {}
        self.seconds: dict[str, float] = {}
        self.network = Network()
        self.now = datetime.now(UTC).replace(microsecond=0)
        # People joined over twelve years; the first 60% came in from the spreadsheets
        # of the time before the app, the later ones also through applications.
        self.start = (self.now - timedelta(days=12 * 365)).timestamp()
        self.span = (self.now - timedelta(days=2)).timestamp() - self.start

    def at(self, ts: float) -> datetime:
        return datetime.fromtimestamp(ts, UTC)

    def created(self, i: int) -> float:
        return self.start + self.span * i / (self.shape.members + 1)

    def staff_member(self, i: int) -> tuple[int, str]:
        return self.staff[i % len(self.staff)]

    def copy(self, columns: dict) -> Copy:
        return Copy(self.url, columns, self.counts)

    def load(self) -> Network:
        for step in (self.plan, self.catalogue, self.people, self.lists, self.access_log):
            began = time.perf_counter()
            step()
            self.seconds[step.__name__] = time.perf_counter() - began
        return self.network

    # -- The plan: who is in which group --------------------------------------------------

    def plan(self) -> None:
        shape, rng = self.shape, self.rng
        n, groups = shape.members, shape.groups
        # 4% have left every group (one ended membership), 3% are in two groups.
        leavers = [frac(i, 20) < 0.04 for i in range(n + 1)]
        doubles = [0.04 <= frac(i, 20) < 0.07 for i in range(n + 1)]
        active = n - sum(leavers[1:]) + sum(doubles[1:])
        self.sizes = group_sizes(groups, active, rng)
        slots = [g for g, size in enumerate(self.sizes, 1) for _ in range(size)]
        rng.shuffle(slots)
        # People in two groups first, while there are slots of many groups left to pair.
        people = [i for i in range(1, n + 1) if doubles[i]]
        people += [i for i in range(1, n + 1) if not doubles[i] and not leavers[i]]
        self.groups_of: list[tuple[int, ...]] = [()] * (n + 1)
        position = 0
        for i in people:
            first = slots[position]
            position += 1
            if doubles[i]:
                other = position
                while slots[other] == first:
                    other += 1
                slots[position], slots[other] = slots[other], slots[position]
                self.groups_of[i] = (first, slots[position])
                position += 1
            else:
                self.groups_of[i] = (first,)
        assert position == len(slots)
        # An ended membership for everyone who left, and for 1% more (a group they left).
        self.ended = {
            i: rng.randrange(1, groups + 1)
            for i in range(1, n + 1)
            if leavers[i] or frac(i, 21) < 0.01
        }
        # Applications: the approved ones are those of people who joined since the app,
        # spread over them; the others are people who are not (yet) members.
        decided = shape.applications - shape.awaiting
        self.approved = round(decided * 0.8)
        self.referred = round(decided * 0.12)
        since_app = int(n * 0.6)
        step = max(1, (n - since_app) // self.approved)
        self.approved_people = [since_app + 1 + k * step for k in range(self.approved)]
        self.application_of = {p: k + 1 for k, p in enumerate(self.approved_people)}
        big = self.network.big_group = 1
        in_big = [i for i in range(1, n + 1) if big in self.groups_of[i]]
        in_two = [i for i in in_big if len(self.groups_of[i]) == 2 and not by_post(i)]
        self.network.member = (in_two or in_big)[0]
        person = details(self.network.member)
        first, *_others, last = person.full_name.split()
        self.network.member_name = f"{first} {last[:3]}"
        self.network.member_address = person.email

    # -- The catalogue, the groups, the associations -----------------------------------------

    def catalogue(self) -> None:
        from diagnoses.models import (
            Association,
            Diagnosis,
            DiagnosisGroup,
            DiagnosisName,
            match_text_for,
            search_text_for,
        )

        shape, rng = self.shape, self.rng
        parents, covers, in_group = (
            Diagnosis.parents.through,
            Association.diagnoses.through,
            DiagnosisGroup.diagnoses.through,
        )
        # Every 20th entry is a group of disorders, the parent of the 19 before it.
        disorders = [d for d in range(1, shape.catalogue + 1) if d % 20]
        self.group_diagnosis = [0, *disorders[: shape.groups]]
        self.network.big_diagnosis = self.group_diagnosis[self.network.big_group]
        # Groups with their own association (1 in 100) point to one; 1 in 200 is closed.
        with_association = {g for g in range(2, shape.groups + 1) if mix(g, 30) % 100 == 0}
        association_of = {g: k + 1 for k, g in enumerate(sorted(with_association))}
        self.associations = max(shape.associations, len(association_of))
        columns = {
            Diagnosis: ["id", "orpha_code", "name", "level", "icd10_codes", "is_active",
                        "prevalence", "prevalence_note", "search_text", "match_text"],
            DiagnosisName: ["id", "diagnosis_id", "name", "language", "kind", "source"],
            parents: ["id", "from_diagnosis_id", "to_diagnosis_id"],
            Association: ["id", "name", "website", "email", "phone", "countries",
                          "is_umbrella_member"],
            covers: ["id", "association_id", "diagnosis_id"],
            DiagnosisGroup: ["id", "name", "status", "association_id", "created_at"],
            in_group: ["id", "diagnosisgroup_id", "diagnosis_id"],
        }  # fmt: skip
        prevalences = ["", "", "rare", "rare", "rare", "not_rare", "uncertain"]
        with self.copy(columns) as copy:
            name_id = parent_id = 0
            for d in range(1, shape.catalogue + 1):
                name = diagnosis_name(d)
                icd10 = f"Q{80 + d % 20}.{d % 10}" if d % 3 else ""
                other = []
                if d % 5 == 0:
                    eponym = name.split("-")[0].split(" ")[0]
                    other = [f"{eponym}s {'syndrom' if 'syndrome' in name else 'sygdom'} {d}"]
                    name_id += 1
                    copy.row(DiagnosisName, (name_id, d, other[0], "da", "preferred", "staff"))
                level = "group" if d % 20 == 0 else "disorder"
                copy.row(Diagnosis, (
                    d, 100_000 + d, name, level, icd10, d % 97 != 0, prevalences[d % 7],
                    "", search_text_for(name, other, 100_000 + d, icd10),
                    match_text_for(name, other, 100_000 + d, icd10),
                ))  # fmt: skip
                if d % 20 and (parent := (d // 20 + 1) * 20) <= shape.catalogue:
                    parent_id += 1
                    copy.row(parents, (parent_id, d, parent))
            self.covered: dict[int, list[int]] = {}
            cover_id = 0
            for a in range(1, self.associations + 1):
                # An association covers its founding group's diagnosis (if any) and 0-3
                # more, never the big group's.
                founded = [g for g, k in association_of.items() if k == a]
                diagnoses = [self.group_diagnosis[g] for g in founded]
                diagnoses += rng.sample(disorders[shape.groups // 2 :], mix(a, 31) % 4)
                diagnoses = list(dict.fromkeys(diagnoses)) or [disorders[-a]]
                self.covered[a] = diagnoses
                for d in diagnoses:
                    cover_id += 1
                    copy.row(covers, (cover_id, a, d))
                countries = ["DK", "DK,SE", "NO", "SE,FI", "DK,NO,SE", "FI"][a % 6]
                copy.row(Association, (
                    a, f"Foreningen for {diagnosis_name(diagnoses[0])} ({a})",
                    f"https://forening{a}.example.org", f"kontakt@forening{a}.example.org",
                    f"+45{28_000_000 + a}", countries, a % 3 == 0,
                ))  # fmt: skip
            self.network.association_word = diagnosis_name(self.covered[1][0]).split("-")[0]
            for g in range(1, shape.groups + 1):
                status, association = "open", None
                if g in association_of:
                    status, association = "association", association_of[g]
                elif g != self.network.big_group and mix(g, 32) % 200 == 0:
                    status = "closed"
                created = self.at(self.start - 365 * 86_400 * frac(g, 33))
                name = diagnosis_name(self.group_diagnosis[g])
                copy.row(DiagnosisGroup, (g, name, status, association, created))
                copy.row(in_group, (g, g, self.group_diagnosis[g]))

    # -- People, memberships, consents, applications --------------------------------------

    def people(self) -> None:
        from members.consents import CONSENT_TEXTS
        from members.models import (
            Application,
            ApplicationEvent,
            Consent,
            Membership,
            Person,
        )
        from outbox.models import OutgoingEmail

        shape, network = self.shape, self.network
        n = shape.members
        columns = {
            Person: ["id", "full_name", "relationship", "birth_year", "street_address",
                     "postal_code", "city", "country", "phone", "email", "language",
                     "share_address", "share_phone", "share_relationship", "share_birth_year",
                     "receives_lists_by_post", "last_signed_in_at", "pseudonym", "created_at",
                     "details_changed_at", "details_changed_by_id"],
            Membership: ["id", "person_id", "group_id", "application_id", "joined_at",
                         "left_at", "ended_by_id", "suspended_at", "suspended_by_id"],
            Consent: ["id", "kind", "version", "given", "recorded_at", "source", "given_on",
                      "application_id", "person_id", "recorded_by_id", "is_current?"],
            Application: ["id", "full_name", "relationship", "birth_year", "street_address",
                          "postal_code", "city", "country", "phone", "email", "language",
                          "diagnosis_id", "diagnosis_text", "note", "status", "submitted_at",
                          "confirmed_at", "decided_at", "decided_by_id", "decision_reason",
                          "person_id", "group_id", "referred_to_id", "pseudonym", "link_token"],
            ApplicationEvent: ["id", "application_id", "action", "by_id", "at", "note",
                               "email_id"],
            OutgoingEmail: EMAIL_COLUMNS,
        }  # fmt: skip
        versions = {kind: text.version for kind, text in CONSENT_TEXTS.items()}
        # Each group's members in the order they joined: its lists are built from them.
        self.members_of: list[list[tuple[float, int]]] = [[] for _ in range(shape.groups + 1)]
        self.names = [""] * (n + 1)
        self.emails = [""] * (n + 1)
        self.entries = [""] * (n + 1)
        self.consent_id = self.email_id = self.event_id = 0
        membership_id = 0
        with self.copy(columns) as copy:
            for i in range(1, n + 1):
                person = details(i)
                self.names[i] = person.full_name
                self.emails[i] = person.email
                self.entries[i] = entry_json(i, person)
                created = self.created(i)
                signed_in = self.at(created + (self.now.timestamp() - created) * frac(i, 40))
                changed = frac(i, 41) < 0.05
                copy.row(Person, (
                    i, *person[:10], *sharing(i), by_post(i),
                    signed_in if frac(i, 42) < 0.1 else None, pseudonym(i, 100),
                    self.at(created), signed_in if changed else None,
                    self.staff_member(i)[0] if changed and i % 2 else None,
                ))  # fmt: skip
                application = self.application_of.get(i)
                ended = self.ended.get(i)
                for k, group in enumerate(self.groups_of[i]):
                    joined = (
                        created
                        if k == 0
                        else created + (self.now.timestamp() - created) * frac(i, 43) * 0.5
                    )
                    membership_id += 1
                    copy.row(Membership, (
                        membership_id, i, group, application if k == 0 else None,
                        self.at(joined), None, None, None, None,
                    ))  # fmt: skip
                    self.members_of[group].append((joined, i))
                    if i == network.member and group == network.big_group:
                        network.membership = membership_id
                if ended:
                    membership_id += 1
                    left = created + (self.now.timestamp() - created) * frac(i, 44)
                    first = application if not self.groups_of[i] else None
                    ended_by = self.staff_member(i)[0] if frac(i, 45) < 0.2 else None
                    copy.row(Membership, (
                        membership_id, i, ended, first, self.at(created), self.at(left),
                        ended_by, None, None,
                    ))  # fmt: skip
                # Every record is its person's current one of its kind but a withdrawn
                # consent to mailings, which the withdrawal replaces.
                withdrew = self.given(i)["mailings"] and frac(i, 46) < 0.1
                if application:
                    # Joined through the app: the consents as the application gave them.
                    for kind, given in self.given(i).items():
                        self.consent_id += 1
                        copy.row(Consent, (
                            self.consent_id, kind, versions[kind], given, self.at(created),
                            "", None, None, i, None, not (withdrew and kind == "mailings"),
                        ))  # fmt: skip
                else:
                    # Brought in by the import: the consents given on paper or by email.
                    source = "paper" if i <= n * 0.6 else "email"
                    for kind, given in self.given(i).items():
                        if given:
                            self.consent_id += 1
                            copy.row(Consent, (
                                self.consent_id, kind, f"{source}-2019", True, self.at(created),
                                source, self.at(created).date(), None, i,
                                self.staff_member(i)[0], not (withdrew and kind == "mailings"),
                            ))  # fmt: skip
                if withdrew:
                    self.consent_id += 1
                    withdrawn = self.at(created + (self.now.timestamp() - created) * frac(i, 47))
                    copy.row(Consent, (
                        self.consent_id, "mailings", versions["mailings"], False, withdrawn,
                        "", None, None, i, None, True,
                    ))  # fmt: skip
            self.applications(copy, versions)
        for group in self.members_of:
            group.sort()

    def given(self, i: int) -> dict[str, bool]:
        return {"share_contact_details": True, "health_data": True, **optional_consents(i)}

    def applications(self, copy: Copy, versions: dict[str, str]) -> None:
        from members.models import Application, Consent

        shape, network, now = self.shape, self.network, self.now.timestamp()
        n = shape.members
        awaiting = shape.awaiting
        for_big = max(self.runs + 1, awaiting // 50)
        if for_big > awaiting:
            raise SystemExit(f"{awaiting} applications wait at {n} members: fewer --runs")
        day = 86_400
        application_id = 0

        def application(i, applicant, status, submitted, confirmed, decided, **fields):
            nonlocal application_id
            application_id += 1
            a = application_id
            by = self.staff_member(a)
            confirmed_at = self.at(confirmed) if confirmed else None
            decided_at = self.at(decided) if decided else None
            copy.row(Application, (
                a, *applicant, fields.get("diagnosis"), fields.get("text", ""),
                "Min datter fik diagnosen i år." if a % 4 == 0 else "", status,
                self.at(submitted), confirmed_at, decided_at, by[0] if decided else None,
                fields.get("reason", ""), fields.get("person"), fields.get("group"),
                fields.get("referred_to"), fields["pseudonym"], secrets.token_urlsafe(32),
            ))  # fmt: skip
            for kind, given in self.given(i).items():
                self.consent_id += 1
                copy.row(Consent, (
                    self.consent_id, kind, versions[kind], given, self.at(submitted), "",
                    None, a, None, None, False,
                ))  # fmt: skip
            self.event(copy, a, applicant.email, "submitted", submitted, None, "",
                       SUBJECTS["submitted"], recent=now - submitted < 30 * day)  # fmt: skip
            if confirmed:
                self.event(copy, a, applicant.email, "confirmed", confirmed, None, "")
            if decided:
                self.event(copy, a, applicant.email, status, decided, by[0], fields.get("note", ""),
                           SUBJECTS[status], recent=now - decided < 30 * day)  # fmt: skip
            return a

        for p in self.approved_people:
            created = self.created(p)
            groups = self.groups_of[p] or (self.ended[p],)
            application(
                p, details(p), "approved", created - 6 * day, created - 6 * day + 3_600, created,
                diagnosis=self.group_diagnosis[groups[0]], person=p, group=groups[0],
                pseudonym=pseudonym(p, 100), note=diagnosis_name(self.group_diagnosis[groups[0]]),
            )  # fmt: skip
        # Waiting: the first for_big for the big group's diagnosis (the first of them is
        # reviewed, with the member's phone as a possible duplicate; the next are approved),
        # the rest for other groups' diagnoses, 5% for an entry without a group, 5% as text.
        for k in range(awaiting):
            i = n + k + 1
            person = details(i)
            if k == 0:
                person = person._replace(phone=details(network.member).phone)
            submitted = now - (30 - 29 * k / awaiting) * day
            kind = frac(i, 50)
            fields = {"pseudonym": pseudonym(i, 200)}
            if k < for_big:
                fields["diagnosis"] = network.big_diagnosis
            elif kind < 0.05:
                fields["text"] = f"{EPONYMS[i % len(EPONYMS)]}s syndrom, tror jeg"
            elif kind < 0.1:
                fields["diagnosis"] = self.shape.catalogue - 1 - i % 200
            else:
                fields["diagnosis"] = self.group_diagnosis[1 + mix(i, 51) % shape.groups]
            a = application(i, person, "awaiting_review", submitted, submitted + 1_800, None,
                            **fields)  # fmt: skip
            if k == 0:
                network.review_application = a
            elif k <= self.runs:
                network.to_approve.append(a)
        decided = shape.applications - awaiting - self.approved
        for k in range(decided):
            i = n + awaiting + k + 1
            # Decided nine days after they came, the last of them a day ago.
            submitted = self.start + (self.span - 8 * day) * (0.6 + 0.4 * frac(i, 52))
            fields = {"pseudonym": pseudonym(i, 200)}
            if k < self.referred:
                association = 1 + k % self.associations
                diagnosis = self.covered[association][0]
                fields.update(diagnosis=diagnosis, referred_to=association,
                              note=f"Foreningen for {diagnosis_name(diagnosis)}")  # fmt: skip
                status = "referred"
            else:
                if frac(i, 53) < 0.2:
                    fields["text"] = f"{EPONYMS[i % len(EPONYMS)]} og træthed"
                else:
                    fields["diagnosis"] = 1 + mix(i, 54) % (self.shape.catalogue - 1)
                fields["reason"] = fields["note"] = (
                    "Diagnosen er ikke sjælden efter netværkets regel."
                )
                status = "rejected"
            application(i, details(i), status, submitted, submitted + 7_200,
                        submitted + 9 * day, **fields)  # fmt: skip

    def event(self, copy, application, recipient, action, ts, by, note, subject="", recent=False):
        """One line of an application's log, with its email when it told the applicant
        (sent; its text blanked by retention unless it went out in the last 30 days)."""
        from members.models import ApplicationEvent
        from outbox.models import OutgoingEmail

        email = None
        if subject:
            self.email_id = email = self.email_id + 1
            text = f"Kære ansøger,\n\n{subject}.\n\nMed venlig hilsen\nSekretariatet\n" * 4
            html = f"<p>{text}</p>" if recent else ""
            copy.row(OutgoingEmail, (
                email, "applicant", f"Application {application}: {action}",
                uuid.uuid4().hex, recipient, subject, text if recent else "", html, "sent", 1,
                1, 0, "", "", self.at(ts), None, uuid.uuid4(), self.at(ts + 5), None,
                self.at(ts + 6),
            ))  # fmt: skip
        self.event_id += 1
        event = (self.event_id, application, action, by, self.at(ts), note, email)
        copy.row(ApplicationEvent, event)

    # -- Contact lists, deliveries, their emails and letters ---------------------------------

    def lists(self) -> None:
        from contactlists.models import ContactList, Delivery, Letter
        from outbox.models import OutgoingEmail

        shape, network, rng = self.shape, self.network, self.rng
        big = network.big_group
        # Every group has its latest version; the big group also its two before; the other
        # versions go to small groups (each join makes a version), at most one per member
        # but the first.
        versions = [1] * (shape.groups + 1)
        versions[big] = 3
        extra = shape.list_versions - shape.groups - 2
        small = [g for g in range(1, shape.groups + 1) if g != big and self.sizes[g - 1] > 1]
        small.sort(key=lambda g: (self.sizes[g - 1], g))
        while extra > 0 and small:
            for g in list(small):
                if extra == 0:
                    break
                if versions[g] < self.sizes[g - 1]:
                    versions[g] += 1
                    extra -= 1
                else:
                    small.remove(g)
        columns = {
            ContactList: ["id", "group_id", "version", "created_at", "entries"],
            Delivery: ["id", "contact_list_id", "person_id", "is_welcome", "email_id"],
            OutgoingEmail: EMAIL_COLUMNS,
            Letter: ["id", "delivery_id", "created_at", "posted_at", "posted_by_id",
                     "superseded_at"],
        }  # fmt: skip
        list_id = delivery_id = letter_id = 0
        with self.copy(columns) as copy:
            for g in range(1, shape.groups + 1):
                members = self.members_of[g]
                name = diagnosis_name(self.group_diagnosis[g])
                previous: set[int] = set()
                for version in range(1, versions[g] + 1):
                    listed = members[: len(members) - (versions[g] - version)]
                    built = self.at(listed[-1][0] + 180)
                    people = sorted((p for _joined, p in listed), key=lambda p: (self.names[p], p))
                    entries = ",".join(
                        self.entries[p] + (OLD if p in previous else NEW) for p in people
                    )
                    list_id += 1
                    latest = version == versions[g]
                    copy.row(ContactList, (list_id, g, version, built, f"[{entries}]"))
                    for p in people:
                        delivery_id += 1
                        email = None
                        if by_post(p):
                            letter_id += 1
                            posted = not latest or frac(p, 60) < 0.5
                            copy.row(Letter, (
                                letter_id, delivery_id, built,
                                self.at(built.timestamp() + 3 * 86_400) if posted else None,
                                self.staff_member(p)[0] if posted else None, None,
                            ))  # fmt: skip
                        else:
                            self.email_id = email = self.email_id + 1
                            failed = latest and frac(p, 61) < 0.001
                            sent = self.at(built.timestamp() + 1 + rng.random() * 60)
                            copy.row(OutgoingEmail, (
                                email, "contact_list", f"{name}, version {version}",
                                f"contact-list-{list_id}", self.emails[p], "", "", "",
                                "failed" if failed else "sent", 8 if failed else 1,
                                0 if failed else 1, 0,
                                "550 5.1.1 Recipient address rejected" if failed else "", "",
                                built, None, uuid.uuid4(), sent, None, None if failed else sent,
                            ))  # fmt: skip
                        copy.row(Delivery, (delivery_id, list_id, p, p not in previous, email))
                        if g == big and latest and p == network.member:
                            network.member_email = email
                    previous = set(people)
                if g == big:
                    network.latest_list = list_id

    def access_log(self) -> None:
        from accesslog.models import AccessRecord

        shape, rng = self.shape, self.rng
        applicants = shape.applications - self.approved
        columns = ["id", "at", "user_id", "username", "action", "subject_kind", "subject",
                   "fields", "note"]  # fmt: skip
        with self.copy({AccessRecord: columns}) as copy:
            for r in range(1, shape.access_records + 1):
                user, username = self.staff_member(r)
                at = self.at(self.now.timestamp() - rng.random() * 2 * 365 * 86_400)
                if r % 5:
                    subject, kind = pseudonym(1 + mix(r, 70) % shape.members, 100), "person"
                else:
                    i = shape.members + 1 + mix(r, 71) % applicants
                    subject, kind = pseudonym(i, 200), "application"
                action = ["viewed"] * 8 + ["changed", "exported"]
                action = action[mix(r, 72) % 10]
                fields = '["email", "phone"]' if action == "changed" else "[]"
                copy.row(AccessRecord, (r, at, user, username, action, kind, subject, fields, ""))


# The subjects of the emails to applicants, by the action that sent them.
SUBJECTS = {
    "submitted": "Bekræft din e-mailadresse",
    "approved": "Velkommen i kontaktnetværket",
    "rejected": "Svar på din ansøgning",
    "referred": "Der findes en patientforening for din diagnose",
}

EMAIL_COLUMNS = [
    "id", "kind", "about", "batch", "recipient", "subject", "text", "html", "status",
    "attempts", "sends", "interrupted", "last_error", "note", "created_at", "retry_after",
    "claim", "claimed_at", "lease_until", "sent_at",
]  # fmt: skip


def group_sizes(groups: int, total: int, rng: random.Random) -> list[int]:
    """Active members per group, `total` in all: the first group exactly BIG_GROUP, 2% alone,
    30% small (2-14), the rest spread log-normally between 15 and BIG_GROUP - 1."""
    alone = max(1, groups // 50)
    small = groups * 3 // 10
    sizes = [BIG_GROUP] + [1] * alone + [rng.randint(2, 14) for _ in range(small)]
    rest = groups - len(sizes)
    left = total - sum(sizes)
    low, high = 15, BIG_GROUP - 1
    if not rest * low <= left <= rest * high:
        raise SystemExit(f"{total} memberships do not fit {groups} groups")
    weights = [rng.lognormvariate(0, 0.9) for _ in range(rest)]

    def spread(scale: float) -> list[int]:
        return [min(high, max(low, round(w * scale))) for w in weights]

    below, above = 0.0, left / min(weights)
    for _ in range(60):
        middle = (below + above) / 2
        below, above = (middle, above) if sum(spread(middle)) < left else (below, middle)
    others = spread(below)
    short = left - sum(others)
    while short:
        k = rng.randrange(rest)
        change = 1 if short > 0 else -1
        if low <= others[k] + change <= high:
            others[k] += change
            short -= change
    return sizes + others


# -- Setting up ------------------------------------------------------------------------------


def setup_django() -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="settings.local",
        DEBUG="false",
        DATABASE_URL=database.url(DB_NAME),
        # Tasks go to Celery's in-memory broker and are never run: approving does not build.
        CELERY_TASK_ALWAYS_EAGER="false",
        ALLOWED_HOSTS="testserver,127.0.0.1,localhost",
        STAFF_TWO_FACTOR_REQUIRED="false",
        # The same visitor searches the associations many times over.
        RATELIMITS="search=,apply=,apply-email=",
    )
    os.environ.pop("REDIS_URL", None)
    os.environ.pop("EMAIL_URL", None)
    import django

    django.setup()


def fresh_database() -> list:
    """An empty, migrated database with the staff roles and the staff: a superuser who
    times the pages first, then three of the secretariat and the consultant."""
    from django.contrib.auth.models import User
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connections

    from members.roles import consultant_role, secretariat_role

    connections.close_all()
    database.recreate(DB_NAME)
    ContentType.objects.clear_cache()
    cache.clear()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("setup_roles", stdout=io.StringIO())
    staff = [User.objects.create_superuser("bench", "bench@example.org", None)]
    for k in range(1, 4):
        user = User.objects.create_user(f"sekretariat{k}", is_staff=True)
        user.groups.add(secretariat_role())
        staff.append(user)
    consultant = User.objects.create_user("konsulent", is_staff=True)
    consultant.groups.add(consultant_role())
    return staff


def finish_load(counts: dict[str, int]) -> dict[str, float]:
    """Sequences past the copied ids, every foreign key checked, and the tables vacuumed
    and analysed as a database in use would be (and no autovacuum during the timing)."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    seconds = {}
    began = time.perf_counter()
    models = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.db_table in counts
    ]
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
    seconds["sequences"] = time.perf_counter() - began
    began = time.perf_counter()
    check_foreign_keys(models)
    seconds["foreign keys"] = time.perf_counter() - began
    began = time.perf_counter()
    with psycopg.connect(database.url(DB_NAME), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")
    seconds["vacuum analyze"] = time.perf_counter() - began
    return seconds


def check_foreign_keys(models: list) -> None:
    from django.db import connection

    broken = []
    with connection.cursor() as cursor:
        for model in models:
            for f in model._meta.local_concrete_fields:
                if not f.is_relation:
                    continue
                table, column = model._meta.db_table, f.column
                target, key = f.target_field.model._meta.db_table, f.target_field.column
                # Names from the models, nothing typed.
                cursor.execute(
                    f'SELECT count(*) FROM "{table}" t WHERE t."{column}" IS NOT NULL AND '  # noqa: S608
                    f'NOT EXISTS (SELECT 1 FROM "{target}" r WHERE r."{key}" = t."{column}")'
                )
                if missing := cursor.fetchone()[0]:
                    broken.append(f"{table}.{column}: {missing} rows")
    if broken:
        raise SystemExit("Rows that point nowhere:\n  " + "\n  ".join(broken))


def seed_extras(network: Network, staff: list) -> None:
    """A few rows of what the load leaves out, made through the services."""
    from django.contrib.auth.models import User
    from django.utils import timezone

    from bench.import_spreadsheet import spreadsheet
    from diagnoses.models import Diagnosis, DiagnosisGroup, ProposedName
    from founding.models import FoundingStep
    from imports import services as imports
    from mailings.models import Mailing, MailingRecipient
    from meetups.models import Event, Registration
    from members import consultations
    from members.models import Application, Membership, Person
    from misuse import services as misuse
    from tests.network.signing_in import sign_in_records

    secretary = staff[1]
    now = timezone.now()
    sign_in_records(User)
    small = DiagnosisGroup.objects.get(pk=network.big_group + 1)
    report = misuse.submit_report(
        what_happened="Et medlem sender reklamer til hele listen.",
        reporter_email="bekymret@example.org",
        language="da",
        group=small,
    )
    misuse.suspend(report, Membership.objects.active().filter(group=small).first(), by=secretary)
    consultations.ask_consultant(
        Application.objects.get(pk=network.review_application),
        "Er diagnosen sjælden nok til netværket?",
        by=secretary,
    )
    members = list(Person.objects.in_group(DiagnosisGroup.objects.get(pk=network.big_group)))
    event = Event.objects.create(
        texts={"da": {"title": "Sjældne-træf", "description": "Et weekendtræf på Fyn."}},
        starts_at=now + timedelta(days=60),
        place="Nyborg Strand",
        capacity=300,
        registration_deadline=now + timedelta(days=30),
    )
    Registration.objects.bulk_create(
        Registration(event=event, person=person, status="confirmed", adults=2, children=1)
        for person in members[:40]
    )
    mailing = Mailing.objects.create(
        texts={"da": {"subject": "Nyt fra netværket", "body": "Årets nyheder."}},
        status=Mailing.Status.SENDING,
        created_by=secretary,
        sent_by=secretary,
        send_started_at=now,
    )
    mailing.groups.add(network.big_group)
    MailingRecipient.objects.bulk_create(
        MailingRecipient(mailing=mailing, person=person) for person in members
    )
    catalogue = list(Diagnosis.objects.order_by("pk")[:1000])
    imports.start_import(
        "medlemmer-2019.xlsx",
        spreadsheet(20, catalogue),
        imports.ImportOptions(consent_version="papir-2019"),
        by=secretary,
    )
    FoundingStep.objects.create(
        group_id=network.big_group,
        step=FoundingStep.Step.CONTACTED,
        on=timezone.localdate() - timedelta(days=30),
        recorded_by=secretary,
        note="Mødet holdes i foråret.",
    )
    ProposedName.objects.create(
        diagnosis_id=network.big_diagnosis, name="Alströms syndrom", language="da"
    )


def check_sample(network: Network) -> list[str]:
    """A sample of the rows as the models would have them, and the big group's list as
    build_contact_list would write it; raises SystemExit on the first difference."""
    from django.core.exceptions import ValidationError
    from django.db.models import Exists, F, OuterRef, Q

    from contactlists.models import ContactList
    from contactlists.services import shared_entry
    from diagnoses.models import DiagnosisGroup
    from members.models import Application, Consent, Membership, Person

    checked = []
    for model, count in ((Person, 200), (Application, 100), (Membership, 100)):
        rows = model.objects.order_by("?")[:count]
        for row in rows:
            try:
                row.full_clean()
            except ValidationError as error:
                raise SystemExit(f"{model.__name__} {row.pk} is not valid: {error}") from None
        checked.append(f"{count} of {model.__name__} pass full_clean")
    if "is_current" in {f.name for f in Consent._meta.fields}:
        # The mark that members.services.record_consents keeps: the latest of its kind.
        newer = Consent.objects.filter(person=OuterRef("person"), kind=OuterRef("kind")).filter(
            Q(recorded_at__gt=OuterRef("recorded_at"))
            | Q(recorded_at=OuterRef("recorded_at"), pk__gt=OuterRef("pk"))
        )
        sample = Consent.objects.filter(person__in=Person.objects.order_by("?")[:200])
        if sample.annotate(latest=~Exists(newer)).exclude(is_current=F("latest")).exists():
            raise SystemExit("a consent is marked current that is not its kind's latest")
        checked.append("the current consents of 200 people are their latest records")
    group = DiagnosisGroup.objects.get(pk=network.big_group)
    members = list(Person.objects.in_group(group).order_by("full_name", "pk"))
    latest = ContactList.objects.get(pk=network.latest_list)
    expected = [shared_entry(person) for person in members]
    stored = [{k: v for k, v in entry.items() if k != "is_new"} for entry in latest.entries]
    if len(members) != BIG_GROUP or stored != expected:
        raise SystemExit("the big group's latest list is not what build_contact_list makes")
    if latest.deliveries.count() != BIG_GROUP:
        raise SystemExit("the big group's latest list does not have a delivery per member")
    checked.append(f"the big group's latest list: {BIG_GROUP} entries as built, one delivery each")
    return checked


# -- Timing ------------------------------------------------------------------------------------


@dataclass
class Result:
    key: str
    kind: str  # admin, public, approve, worker
    statuses: set = field(default_factory=set)
    queries: list[int] = field(default_factory=list)
    times: list[float] = field(default_factory=list)  # ms, warm-up left out
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.times) if self.times else math.nan

    @property
    def p95(self) -> float:
        ordered = sorted(self.times)
        return ordered[math.ceil(0.95 * len(ordered)) - 1] if ordered else math.nan

    @property
    def over(self) -> bool:
        target = TARGETS.get(self.kind)
        return target is not None and not self.p95 <= target

    def add(self, run: int, runs: int, status: object, queries: int, seconds: float) -> None:
        self.statuses.add(status)
        self.queries.append(queries)
        if run > 0 or runs == 1:
            self.times.append(seconds * 1000)

    @property
    def query_count(self) -> str:
        """The last run's queries; the log that counts them keeps 9,000 at most."""
        if not self.queries:
            return "-"
        return (
            f"{self.queries[-1]}+" if self.queries[-1] >= QUERY_LOG_SIZE else str(self.queries[-1])
        )

    def line(self) -> str:
        status = ",".join(sorted(map(str, self.statuses)))
        queries = self.query_count
        if len(set(self.queries[1:])) > 1:
            queries += f" ({min(self.queries[1:])}-{max(self.queries[1:])})"
        flag = "  OVER" if self.over else ""
        return (
            f"  {self.key:<58} {status:>5} {queries:>11} q  median {self.median:9.1f} ms  "
            f"p95 {self.p95:9.1f} ms{flag}{'  ' + self.note if self.note else ''}"
        )


class TooSlow(BaseException):
    """Raised into a request that has run for GIVE_UP_SECONDS. A BaseException, so that
    no `except Exception` on the way turns it into an answer."""


def on_alarm(signum, frame):
    raise TooSlow


def run_once(action: Callable[[], object]) -> tuple[object, int, float]:
    """(status, queries, seconds) of one call of `action`, which returns a status: "error"
    when it raises (the traceback printed), "timeout" when stopped after GIVE_UP_SECONDS.
    Queries are counted by CaptureQueriesContext, whose log keeps 9,000 at most."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    connection.queries_log.clear()
    signal.signal(signal.SIGALRM, on_alarm)
    with CaptureQueriesContext(connection) as captured:
        began = time.perf_counter()
        signal.setitimer(signal.ITIMER_REAL, GIVE_UP_SECONDS)
        try:
            status = action()
        except TooSlow:
            status = "timeout"
        except Exception:
            status = "error"
            print(traceback.format_exc(), file=sys.stderr)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
        elapsed = time.perf_counter() - began
    if status == "timeout" and connection.connection is not None:
        # Stopped wherever it was, perhaps waiting for PostgreSQL: a query left running
        # there would load the machine for every page after it. Cancelled, and afresh.
        connection.connection.cancel_safe()
        connection.close()
    return status, len(captured), elapsed


def measure(key: str, kind: str, action: Callable[[], object], runs: int) -> Result:
    """`action` run `runs` times, the first a warm-up; stopped after a run that failed or
    took over GIVE_UP_SECONDS (that run is then the figure)."""
    result = Result(key, kind)
    for run in range(runs):
        status, queries, elapsed = run_once(action)
        result.add(run, runs, status, queries, elapsed)
        if status in ("error", "timeout") or elapsed > GIVE_UP_SECONDS:
            result.note = f"run {run + 1}: {status} after {elapsed:.0f} s, not run again"
            if not result.times:
                result.times.append(elapsed * 1000)
            break
    print(result.line(), flush=True)
    return result


def admin_pages(network: Network, superuser) -> Iterator[tuple[str, str]]:
    """(key, URL) of every admin page timed: each registered model's changelist, with a
    search where it has one, and a change page of one object; and the decision pages of
    the application under review."""
    from django.contrib import admin
    from django.test import RequestFactory
    from django.urls import NoReverseMatch, reverse
    from django.utils.http import urlencode

    from members.models import Application

    chosen = {
        "diagnoses.diagnosisgroup": network.big_group,
        "founding.groupreadytofound": network.big_group,
        "diagnoses.diagnosis": network.big_diagnosis,
        "contactlists.contactlist": network.latest_list,
        "members.person": network.member,
        "members.membership": network.membership,
        "members.application": network.review_application,
        "members.reviewqueue": network.review_application,
        "outbox.outgoingemail": network.member_email,
    }
    request = RequestFactory().get("/admin/")
    request.user = superuser
    registry = sorted(admin.site._registry.items(), key=lambda item: item[0]._meta.label_lower)
    for model, model_admin in registry:
        label = model._meta.label_lower
        info = model._meta.app_label, model._meta.model_name
        changelist = reverse("admin:{}_{}_changelist".format(*info))
        yield f"{label} list", changelist
        if model_admin.search_fields:
            yield f"{label} ?q=name", f"{changelist}?{urlencode({'q': network.member_name})}"
            yield f"{label} ?q=email", f"{changelist}?{urlencode({'q': network.member_address})}"
        try:
            reverse("admin:{}_{}_change".format(*info), args=[0])
        except NoReverseMatch:
            continue  # a page without objects, such as the dashboard
        pk = chosen.get(label)
        if pk is None:
            objects = model_admin.get_queryset(request).order_by("-pk")
            pk = objects.values_list("pk", flat=True).first()
        if pk is None:
            print(f"  {label}: no object for a change page")
            continue
        yield f"{label} change", reverse("admin:{}_{}_change".format(*info), args=[pk])
    for pattern in admin.site._registry[Application].get_urls():
        name = getattr(pattern, "name", "") or ""
        if (
            name
            and "object_id" in str(pattern.pattern)
            and not name.endswith(("_change", "_delete", "_history"))
        ):
            url = reverse(f"admin:{name}", args=[network.review_application])
            yield f"members.application {name.removeprefix('members_application_')}", url


def public_pages(network: Network) -> list[tuple[str, str]]:
    from django.urls import reverse
    from django.utils.http import urlencode

    associations = reverse("diagnoses:associations")
    return [
        ("public /", reverse("home")),
        ("public /apply/", reverse("members:apply")),
        ("public /associations/", associations),
        (
            "public /associations/?q=",
            f"{associations}?{urlencode({'q': network.association_word})}",
        ),
        ("public /privacy/", reverse("privacy")),
    ]


def time_everything(network: Network, staff: list, runs: int) -> list[Result]:
    from django.test import Client

    from contactlists.services import build_contact_list
    from diagnoses.models import DiagnosisGroup
    from founding.tasks import flag_large_groups
    from members import services
    from members.models import Application
    from overview.tasks import count_network

    # First what `make beat` keeps in the cache for the pages, as where deployed: the
    # groups large enough to found an association, flagged every ten minutes.
    def flagging() -> str:
        flag_large_groups()
        return "ok"

    print("\nWhat a worker flags for the groups ready to found an association:")
    flagged = measure("flag the groups large enough (task)", "worker", flagging, runs)
    results = []
    superuser = staff[0]
    client = Client()
    client.force_login(superuser)
    print(f"\nAdmin pages, as a superuser ({runs} runs, the first left out):")
    for key, url in admin_pages(network, superuser):
        results.append(measure(key, "admin", lambda url=url: client.get(url).status_code, runs))
    print("\nPublic pages, anonymous:")
    visitor = Client()
    for key, url in public_pages(network):
        results.append(measure(key, "public", lambda url=url: visitor.get(url).status_code, runs))
    print(f"\nApproving into the {BIG_GROUP}-member group, then building its list:")
    group = DiagnosisGroup.objects.get(pk=network.big_group)
    approve = Result("approve one application (service)", "approve")
    build = Result(f"build the group's new list ({BIG_GROUP}+ members)", "worker")
    for run, pk in enumerate(network.to_approve):
        application = Application.objects.get(pk=pk)

        def approving(application=application) -> str:
            services.approve_application(application, group, by=staff[1])
            return "ok"

        def building() -> str:
            return "ok" if build_contact_list(group) else "nothing built"

        approve.add(run, runs, *run_once(approving))
        build.add(run, runs, *run_once(building))
    for result in (approve, build):
        print(result.line())

    def counting() -> str:
        count_network()
        return "ok"

    print("\nWhat a worker counts for the dashboard every ten minutes:")
    dashboard = measure("count the dashboard's figures (task)", "worker", counting, runs)
    return [*results, approve, build, flagged, dashboard]


# -- Reporting ---------------------------------------------------------------------------------


def print_load(members: int, loader: Loader, finishing: dict[str, float], total: float) -> None:
    print(f"\nLoaded {members:,} members in {total:.0f} s:")
    for step, seconds in {**loader.seconds, **finishing}.items():
        print(f"  {step:<16} {seconds:7.1f} s")
    for table, rows in sorted(loader.counts.items(), key=lambda item: -item[1]):
        print(f"  {table:<40} {rows:>12,} rows")


def summary(by_size: dict[int, list[Result]]) -> None:
    """Every page at every size side by side; then the pages over their target, slowest
    first, and those whose query count differs between sizes."""
    sizes = list(by_size)
    header = " / ".join(f"{size:,}" for size in sizes)
    print(f"\nSummary: queries, median and p95 at {header} members\n")
    print("| page | queries | median ms | p95 ms | target | over target at | note |")
    print("|---|---:|---:|---:|---:|---|---|")
    keys = list(dict.fromkeys(r.key for results in by_size.values() for r in results))
    found = {size: {r.key: r for r in results} for size, results in by_size.items()}
    over, growing = [], []
    for key in keys:
        row = [found[size].get(key) for size in sizes]
        present = [r for r in row if r is not None]

        def cells(value: Callable[[Result], str], row=row) -> str:
            return " / ".join("-" if r is None else value(r) for r in row)

        over_at = [f"{size:,}" for size, r in zip(sizes, row, strict=True) if r and r.over]
        notes = sorted({str(s) for r in present for s in r.statuses} - {"200", "ok"})
        notes += [r.note for r in present if r.note]
        if len({r.query_count for r in present}) > 1:
            notes.append("queries differ")
            growing.append(key)
        if over_at:
            over.append(present[-1])
        target = TARGETS.get(present[0].kind)
        print(
            f"| {key} | {cells(lambda r: r.query_count)} | {cells(lambda r: f'{r.median:.0f}')} "
            f"| {cells(lambda r: f'{r.p95:.0f}')} | {target or '-'} | {', '.join(over_at)} "
            f"| {'; '.join(notes)} |"
        )
    print("\nOver their target at some size, slowest first (p95 at the largest size):")
    for result in sorted(over, key=lambda r: -r.p95):
        print(f"  {result.p95:9.0f} ms  {result.query_count:>6} queries  {result.key}")
    print("Query counts that differ between sizes: " + (", ".join(growing) or "none"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, nargs="+", default=DEFAULT_SIZES)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if min(args.members) < 5_000:
        parser.error("--members: at least 5,000 (the big group alone has 1,000)")
    try:
        database.admin_connection().close()
    except psycopg.Error as exc:
        print(f"The benchmark needs PostgreSQL at {database.PG_HOST}:{database.PG_PORT}: {exc}")
        sys.exit(2)
    setup_django()
    from django.db import connections

    from network.wsgi import freeze_the_loaded_app

    by_size = {}
    try:
        for members in args.members:
            print(f"\n=== {members:,} members ===", flush=True)
            began = time.perf_counter()
            staff = fresh_database()
            migrated = time.perf_counter() - began
            loader = Loader(Shape(members), args.runs, staff, database.url(DB_NAME))
            network = loader.load()
            finishing = {"migrate": migrated, **finish_load(loader.counts)}
            extras = time.perf_counter()
            seed_extras(network, staff)
            finishing["extras"] = time.perf_counter() - extras
            print_load(members, loader, finishing, time.perf_counter() - began)
            for line in check_sample(network):
                print(f"  checked: {line}")
            # The loader's plan holds a few million tuples, which no web server holds: left
            # in memory, each of Python's full collections walked them, and the page it
            # fell in took 300 ms more (one run in ten at a million members). Then the
            # app is frozen out of the collector's way as network/wsgi.py does for gunicorn.
            del loader
            freeze_the_loaded_app()
            by_size[members] = time_everything(network, staff, args.runs)
    finally:
        connections.close_all()
        database.drop(DB_NAME)
    summary(by_size)


if __name__ == "__main__":
    main()
