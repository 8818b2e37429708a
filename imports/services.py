"""Bringing the network's existing members in from the secretariat's spreadsheet.

An import goes: upload (`start_import`), map the columns once (`map_columns`: remembered for
the next file with the same headers), a dry run that saves nothing (`check_import`), staff
choose among the closest catalogue entries where a typed diagnosis matched none exactly
(`choose_diagnoses`), and then the import itself (`import_rows`), run as a task.

The dry run and the import plan the rows the same way (`plan_rows`), against the database
as it is when they run, so that the dry run says what the import will do, and an import
run again (the same file, a corrected one, or only the rows that failed) finds what the
first one made and changes only what differs.

Nothing is sent while importing: memberships are recorded without telling anyone
(`members.services.add_existing_members`), and each group the import changed waits for
staff to send it its new list (`send_imported_lists`), through the contact lists' own path.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries
from phonenumber_field.phonenumber import to_python

from accesslog import services as accesslog
from contactlists.services import record_group_change
from diagnoses.models import Diagnosis, DiagnosisGroup, DiagnosisName
from diagnoses.search import ORPHA_CODE, search_diagnoses
from diagnoses.text import fold
from members import services as members
from members.consents import ConsentKind, ConsentSource
from members.models import Consent, Membership, Person, Relationship
from members.signals import MembershipChange
from members.validators import invisible_characters
from outbox.queueing import enqueue_on_commit

from .columns import BY_KEY, KEYS, guess_mapping, headers_key
from .models import ColumnMapping, DiagnosisSpelling, ImportedGroup, MemberImport
from .reading import read_sheet

# The consents that membership rests on: an imported member gave them to the secretariat
# (on paper, by email) before the network had this app.
IMPORTED_CONSENTS = (ConsentKind.SHARE_CONTACT_DETAILS, ConsentKind.HEALTH_DATA)
# Rows written per transaction: progress is shown, and a lost worker redoes one chunk.
CHUNK_ROWS = 500
# How many catalogue entries staff choose from when a typed diagnosis matched none exactly.
CANDIDATES = 3
VERSION_MAX_LENGTH = getattr(Consent._meta.get_field("version"), "max_length", None) or 16

PERSON_FIELDS = (
    "full_name",
    "email",
    "phone",
    "street_address",
    "postal_code",
    "city",
    "country",
    "relationship",
    "birth_year",
    "language",
)
SHARING_FIELDS = ("share_address", "share_phone", "share_relationship", "share_birth_year")


class ImportRefused(Exception):
    """The step cannot be taken; the message says why, to staff."""


@dataclass
class ImportOptions:
    """What staff choose for every row whose sheet says nothing else."""

    consent_source: str = ConsentSource.PAPER
    consent_date: str = ""  # ISO date, or "" when not known
    consent_version: str = ""
    share_address: bool = True
    share_phone: bool = True
    share_relationship: bool = True
    share_birth_year: bool = False
    # The language of the dry run's and the report's wording: the staff member's.
    language: str = "en"


# -- Steps ------------------------------------------------------------------------------


def start_import(file_name: str, data: bytes, options: ImportOptions, *, by: User) -> MemberImport:
    """Read an uploaded spreadsheet and keep its rows for mapping; raises
    reading.UnreadableFile with a message for staff when it cannot be read. The columns are
    mapped as last time for the same headers, or else as their names suggest."""
    sheet = read_sheet(data)
    remembered = ColumnMapping.objects.filter(headers_key=headers_key(sheet.headers)).first()
    mapping = guessed = guess_mapping(sheet.headers)
    if remembered is not None:
        mapping = {header: remembered.mapping.get(header, guessed[header]) for header in guessed}
    return MemberImport.objects.create(
        file_name=file_name[:255],
        created_by=by,
        headers=sheet.headers,
        rows=[[number, *cells] for number, cells in sheet.rows],
        mapping=mapping,
        options=asdict(options),
    )


def map_columns(member_import: MemberImport, mapping: dict[str, str], *, by: User) -> None:
    """Take the staff's mapping of columns to fields, remember it for the next file with
    these headers, and start the dry run."""
    chosen = [key for key in mapping.values() if key]
    unknown = set(chosen) - set(KEYS)
    if unknown:
        raise ImportRefused(_("Unknown field: %(field)s.") % {"field": ", ".join(sorted(unknown))})
    twice = sorted({key for key in chosen if chosen.count(key) > 1})
    if twice:
        raise ImportRefused(
            _("Each field can come from one column only: %(fields)s is chosen twice.")
            % {"fields": ", ".join(str(BY_KEY[key].label) for key in twice)}
        )
    if "full_name" not in chosen:
        raise ImportRefused(_("Choose the column that holds the name."))
    if "diagnoses" not in chosen and "group" not in chosen:
        raise ImportRefused(_("Choose the column that holds the diagnosis or the group."))
    with transaction.atomic():
        ColumnMapping.objects.update_or_create(
            headers_key=headers_key(member_import.headers), defaults={"mapping": mapping}
        )
        member_import.mapping = mapping
        member_import.save(update_fields=["mapping"])
        _queue(member_import, MemberImport.Status.CHECKING)


def choose_diagnoses(
    member_import: MemberImport, choices: dict[str, Diagnosis], *, by: User
) -> None:
    """Remember the catalogue entry staff chose for each diagnosis as typed (for this and
    every later import), and run the dry run again."""
    with transaction.atomic():
        for typed, diagnosis in choices.items():
            DiagnosisSpelling.objects.update_or_create(
                typed=fold(typed)[:255], defaults={"diagnosis": diagnosis, "chosen_by": by}
            )
        _queue(member_import, MemberImport.Status.CHECKING)


def confirm_import(member_import: MemberImport, *, by: User) -> bool:
    """Import the rows the dry run found importable (planned again as the import starts).
    Returns whether this call started it: a second click starts nothing."""
    from .tasks import run_member_import

    with transaction.atomic():
        started = MemberImport.objects.filter(
            pk=member_import.pk, status=MemberImport.Status.CHECKED
        ).update(status=MemberImport.Status.IMPORTING, imported_by=by, rows_done=0, errors_so_far=0)
        if started:
            enqueue_on_commit(run_member_import, member_import.pk)
    return bool(started)


def _queue(member_import: MemberImport, status: str) -> None:
    from .tasks import run_member_import

    MemberImport.objects.filter(pk=member_import.pk).update(
        status=status, rows_done=0, errors_so_far=0, failure=""
    )
    member_import.status = status
    enqueue_on_commit(run_member_import, member_import.pk)


def run_step(member_import: MemberImport) -> None:
    """What the task does: the dry run or the import, as the import's status asks."""
    options = ImportOptions(**member_import.options)
    with translation.override(options.language):
        if member_import.status == MemberImport.Status.CHECKING:
            check_import(member_import)
        elif member_import.status == MemberImport.Status.IMPORTING:
            import_rows(member_import)


def check_import(member_import: MemberImport) -> None:
    """The dry run: what each row would do, saved for staff to read; nothing else saved."""
    plan = plan_rows(member_import)
    MemberImport.objects.filter(pk=member_import.pk).update(
        status=MemberImport.Status.CHECKED,
        outcomes=[row.outcome for row in plan.rows],
        counts=plan.counts(),
        rows_done=len(plan.rows),
        errors_so_far=plan.counts()["errors"],
    )


def import_rows(member_import: MemberImport) -> None:
    """Import every importable row, a chunk per transaction, noting progress as it goes."""
    by = member_import.imported_by
    if by is None:
        raise ImportRefused("an import needs the staff member who confirmed it")
    plan = plan_rows(member_import)
    # Counted as planned: writing fills in the people it creates.
    counts = plan.counts()
    errors = 0
    for start in range(0, len(plan.rows), CHUNK_ROWS):
        chunk = plan.rows[start : start + CHUNK_ROWS]
        with transaction.atomic():
            _apply(plan, chunk, member_import, by)
        errors += sum(1 for row in chunk if row.status in (ERROR, CHOOSE))
        MemberImport.objects.filter(pk=member_import.pk).update(
            rows_done=start + len(chunk), errors_so_far=errors
        )
    MemberImport.objects.filter(pk=member_import.pk).update(
        status=MemberImport.Status.IMPORTED,
        outcomes=[row.outcome for row in plan.rows],
        counts=counts,
        imported_at=timezone.now(),
    )


def send_imported_lists(
    member_import: MemberImport, groups: list[int] | None = None, *, by: User
) -> int:
    """Send each group the import changed (or only `groups`, by id) one new version of its
    list, through the contact lists' own path: built after the commit, one email per member
    through the outbox. A group is sent its list once per import. Returns how many groups."""
    with transaction.atomic():
        waiting = member_import.groups.filter(list_sent_at=None)
        if groups is not None:
            waiting = waiting.filter(group__in=groups)
        group_ids = list(waiting.values_list("group_id", flat=True))
        member_import.groups.filter(group__in=group_ids, list_sent_at=None).update(
            list_sent_at=timezone.now()
        )
        for group_id in group_ids:
            # "joined": a new version even where an earlier one had the same entries, as
            # each imported member has not been sent one yet.
            record_group_change(group_id, person_id=None, reason=MembershipChange.JOINED)
    return len(group_ids)


# -- Planning ---------------------------------------------------------------------------

BLANK, REPEATED, ERROR, CHOOSE, READY = "blank", "repeated", "error", "choose", "ready"


@dataclass(eq=False)
class GroupPlan:
    name: str
    group: DiagnosisGroup | None = None
    diagnosis: Diagnosis | None = None
    new_row: int = 0

    @property
    def key(self) -> object:
        return self.group.pk if self.group else "new:" + fold(self.name)


@dataclass(eq=False)
class PersonPlan:
    person: Person | None  # found in the database; None: a new person
    details: dict
    found_by: str
    first_row: int
    values: dict
    changes: list[str] = field(default_factory=list)
    groups: set = field(default_factory=set)
    consents: list[Consent] = field(default_factory=list)
    applied: bool = False


@dataclass
class RowPlan:
    number: int
    status: str
    person: PersonPlan | None = None
    groups: list[GroupPlan] = field(default_factory=list)
    outcome: dict = field(default_factory=dict)


@dataclass
class Plan:
    rows: list[RowPlan]
    people: list[PersonPlan]
    new_groups: list[GroupPlan]

    def counts(self) -> dict[str, int]:
        statuses = [row.status for row in self.rows]
        people = self.people
        return {
            "rows": len(self.rows),
            "blank": statuses.count(BLANK),
            "repeated": statuses.count(REPEATED),
            "errors": statuses.count(ERROR),
            "to_choose": statuses.count(CHOOSE),
            "ready": statuses.count(READY),
            "people_new": sum(1 for p in people if p.person is None),
            "people_found_by_email": sum(1 for p in people if p.found_by == "email"),
            "people_found_by_phone": sum(1 for p in people if p.found_by == "phone"),
            "people_found_by_name_and_postal_code": sum(
                1 for p in people if p.found_by == "name_postal_code"
            ),
            "people_changed": sum(1 for p in people if p.person is not None and p.changes),
            "memberships_new": sum(len(row.groups) for row in self.rows if row.status == READY),
            "groups_new": len(self.new_groups),
            "consents_new": sum(len(p.consents) for p in people),
        }


class Cells:
    """One row's cells by field, with the errors found in them, each naming its column."""

    def __init__(self, number: int, values: dict[str, str], headers: dict[str, str]):
        self.number = number
        self.values = values
        self.headers = headers
        self.errors: list[dict[str, str]] = []

    def get(self, key: str) -> str:
        return self.values.get(key, "")

    def error(self, key: str, message: str) -> None:
        self.errors.append({"column": self.headers.get(key, ""), "message": message})


def plan_rows(member_import: MemberImport) -> Plan:
    """What each row of the import does, against the database as it is now."""
    options = ImportOptions(**member_import.options)
    # By the headers' order: the mapping is stored as JSON, whose keys keep no order.
    mapping = member_import.mapping
    column_of = {
        mapping[header]: index
        for index, header in enumerate(member_import.headers)
        if mapping.get(header)
    }
    headers = {key: member_import.headers[index] for key, index in column_of.items()}
    parsed: list[tuple[Cells, dict | None]] = []
    seen: dict[tuple, int] = {}
    for number, *cells in member_import.rows:
        row = Cells(number, {k: cells[i] for k, i in column_of.items() if i < len(cells)}, headers)
        if not any(row.values.values()):
            parsed.append((row, {"status": BLANK}))
            continue
        signature = tuple(sorted(row.values.items()))
        if signature in seen:
            parsed.append((row, {"status": REPEATED, "repeats": seen[signature]}))
            continue
        seen[signature] = number
        parsed.append((row, None))
    planner = _Planner(options, [row for row, early in parsed if early is None])
    rows = []
    for row, early in parsed:
        if early is not None:
            rows.append(RowPlan(row.number, early["status"], outcome={"row": row.number, **early}))
        else:
            rows.append(planner.plan(row))
    return Plan(rows, planner.people, planner.new_groups)


class _Planner:
    def __init__(self, options: ImportOptions, rows: list[Cells]):
        self.options = options
        self.people: list[PersonPlan] = []
        self.new_groups: list[GroupPlan] = []
        self.cleaned = {row.number: _clean_row(row, options) for row in rows}
        self._load_people(list(self.cleaned.values()))
        self._load_groups()
        self.matches = _DiagnosisMatcher(
            {typed for row in rows for typed in _split(row.get("diagnoses"))}
        )
        self.by_email: dict[str, PersonPlan] = {}
        self.by_phone: dict[tuple[str, str], PersonPlan] = {}
        self.by_name: dict[tuple[str, str], PersonPlan] = {}
        self.planned: dict[int, PersonPlan] = {}

    # Loading what the database holds for these rows, in a few queries.

    def _load_people(self, cleaned: list[dict]) -> None:
        emails = {c["email"].lower() for c in cleaned if c.get("email")}
        phones = {c["phone"] for c in cleaned if c.get("phone")}
        postal_codes = {c["postal_code"] for c in cleaned if c.get("postal_code")}
        found = list(
            Person.objects.annotate(lower_email=Lower("email")).filter(
                Q(lower_email__in=emails) | Q(phone__in=phones) | Q(postal_code__in=postal_codes)
            )
        )
        self.db_email = {p.email.lower(): p for p in found if p.email}
        self.db_phone = {(p.phone.as_e164, fold(p.full_name)): p for p in found if p.phone}
        self.db_name = {(fold(p.full_name), _postal(p.postal_code)): p for p in found}
        self.db_groups: dict[int, set[int]] = {}
        for person_id, group_id in (
            Membership.objects.active()
            .filter(person__in=[p.pk for p in found])
            .values_list("person_id", "group_id")
        ):
            self.db_groups.setdefault(person_id, set()).add(group_id)
        self.db_consents: dict[tuple[int, str], Consent] = {}
        for consent in Consent.objects.filter(
            person__in=[p.pk for p in found], kind__in=IMPORTED_CONSENTS
        ).order_by("recorded_at", "pk"):
            self.db_consents[consent.person_id or 0, consent.kind] = consent

    def _load_groups(self) -> None:
        groups = {group.pk: group for group in DiagnosisGroup.objects.all()}
        self.group_by_name = {fold(g.name): GroupPlan(g.name, g) for g in groups.values()}
        self.group_by_diagnosis: dict[int, GroupPlan] = {}
        covered = DiagnosisGroup.diagnoses.through.objects.order_by("diagnosisgroup_id")
        for group_id, diagnosis_id in covered.values_list("diagnosisgroup_id", "diagnosis_id"):
            self.group_by_diagnosis.setdefault(
                diagnosis_id, self.group_by_name[fold(groups[group_id].name)]
            )

    # One row.

    def plan(self, row: Cells) -> RowPlan:
        cleaned = self.cleaned[row.number]
        outcome: dict = {"row": row.number, "name": row.get("full_name")}
        groups, diagnoses = self._groups(row)
        outcome["diagnoses"] = diagnoses
        if not row.errors and not groups and not any(d.get("candidates") for d in diagnoses):
            row.error("diagnoses", _("Give the diagnosis or the group."))
        if row.errors:
            return RowPlan(
                row.number, ERROR, outcome={**outcome, "status": ERROR, "errors": row.errors}
            )
        if any(d.get("candidates") for d in diagnoses):
            return RowPlan(row.number, CHOOSE, outcome={**outcome, "status": CHOOSE})
        person = self._person(row, cleaned)
        if row.errors:
            return RowPlan(
                row.number, ERROR, outcome={**outcome, "status": ERROR, "errors": row.errors}
            )
        new_memberships = []
        for group in groups:
            if group.key not in person.groups:
                person.groups.add(group.key)
                new_memberships.append(group)
            if group.group is None and not group.new_row:
                group.new_row = row.number
                self.new_groups.append(group)
        first = person.first_row == row.number
        if person.person is not None:
            outcome["pseudonym"] = str(person.person.pseudonym)
        outcome.update(
            status=READY,
            person="new" if person.person is None else "existing",
            found_by=person.found_by,
            same_person_as=None if first else person.first_row,
            changes=person.changes if first else [],
            memberships=[group.name for group in new_memberships],
            already_member=[g.name for g in groups if g not in new_memberships],
            new_groups=[g.name for g in groups if g.group is None and g.new_row == row.number],
            consents=len(person.consents) if first else 0,
        )
        return RowPlan(row.number, READY, person, new_memberships, outcome)

    def _groups(self, row: Cells) -> tuple[list[GroupPlan], list[dict]]:
        typed_diagnoses = _split(row.get("diagnoses"))
        typed_groups = _split(row.get("group"))
        diagnoses: list[dict] = []
        matched: list[Diagnosis | None] = []
        for typed in typed_diagnoses:
            match = self.matches.match(typed)
            diagnoses.append(match.describe(typed))
            matched.append(match.diagnosis)
            if match.diagnosis is None and not match.candidates:
                row.error(
                    "diagnoses",
                    _("“%(typed)s” is not in the diagnosis catalogue.") % {"typed": typed},
                )
        if typed_groups and len(typed_groups) not in (1, len(typed_diagnoses)):
            row.error(
                "group",
                _(
                    "%(groups)d groups for %(diagnoses)d diagnoses: give one group, or one "
                    "per diagnosis."
                )
                % {"groups": len(typed_groups), "diagnoses": len(typed_diagnoses)},
            )
        if row.errors or any(d.get("candidates") for d in diagnoses):
            return [], diagnoses
        groups: list[GroupPlan] = []
        if typed_groups:
            for index, name in enumerate(typed_groups):
                diagnosis = matched[index] if len(typed_groups) == len(matched) else None
                if diagnosis is None and len(typed_groups) == 1 and matched:
                    diagnosis = matched[0]
                groups.append(self._group_named(name, diagnosis))
            if len(typed_groups) == 1 and len(matched) > 1:
                groups = groups[:1]
        else:
            for diagnosis in filter(None, matched):
                group = self.group_by_diagnosis.get(diagnosis.pk) or self._group_named(
                    diagnosis.name, diagnosis
                )
                self.group_by_diagnosis.setdefault(diagnosis.pk, group)
                groups.append(group)
        return list(dict.fromkeys(groups)), diagnoses

    def _group_named(self, name: str, diagnosis: Diagnosis | None) -> GroupPlan:
        key = fold(name)
        if key not in self.group_by_name:
            self.group_by_name[key] = GroupPlan(name[:255], None, diagnosis)
        return self.group_by_name[key]

    def _person(self, row: Cells, cleaned: dict) -> PersonPlan:
        email = cleaned.get("email", "").lower()
        name = fold(cleaned["full_name"])
        phone_key = (cleaned.get("phone", ""), name)
        name_key = (name, _postal(cleaned.get("postal_code", "")))
        person = None
        lookups: list[tuple[str, dict[Any, PersonPlan], dict[Any, Person], Any]] = [
            ("email", self.by_email, self.db_email, email),
            ("phone", self.by_phone, self.db_phone, phone_key if phone_key[0] else None),
            ("name_postal_code", self.by_name, self.db_name, name_key if name_key[1] else None),
        ]
        for how, known, db, key in lookups:
            if not key:
                continue
            if key in known:
                person = known[key]
                break
            if key in db:
                person = self._found(db[key], how)
                break
        if person is None:
            person = self._new(row, cleaned)
        elif person.first_row == 0:
            # Found in the database, named for the first time in this file.
            person.first_row = row.number
            person.values = cleaned
            self._changes(person, cleaned)
        else:
            self._compare_with_first_row(row, cleaned, person)
        if not row.errors:
            self._register(person, cleaned)
        return person

    def _found(self, person: Person, how: str) -> PersonPlan:
        if person.pk in self.planned:
            return self.planned[person.pk]
        plan = PersonPlan(person, {}, how, 0, {}, groups=set(self.db_groups.get(person.pk, ())))
        self.planned[person.pk] = plan
        self.people.append(plan)
        return plan

    def _new(self, row: Cells, cleaned: dict) -> PersonPlan:
        details = {name: cleaned[name] for name in PERSON_FIELDS if cleaned.get(name) is not None}
        details.setdefault("language", settings.LANGUAGE_CODE)
        details.setdefault("country", settings.NETWORK_ALLOWED_COUNTRIES[0])
        # Without an email address, the lists can only reach the person by post.
        details["receives_lists_by_post"] = not details.get("email")
        for name in SHARING_FIELDS:
            value = cleaned.get(name)
            details[name] = getattr(self.options, name) if value is None else value
        plan = PersonPlan(None, details, "", row.number, cleaned)
        plan.consents = self._consents(None, cleaned)
        self.people.append(plan)
        return plan

    def _changes(self, plan: PersonPlan, cleaned: dict) -> None:
        """The details of a person found in the database that the row gives otherwise. A
        blank cell changes nothing: an old sheet's gap is no reason to erase a detail."""
        person = plan.person
        if person is None:
            return
        current = {
            **{name: getattr(person, name) for name in PERSON_FIELDS},
            "phone": person.phone.as_e164 if person.phone else "",
            "country": person.country.code,
            **{name: getattr(person, name) for name in SHARING_FIELDS},
        }
        for name in (*PERSON_FIELDS, *SHARING_FIELDS):
            value = cleaned.get(name)
            if value not in (None, "") and value != current[name]:
                plan.details[name] = value
                plan.changes.append(name)
        plan.consents = self._consents(person, cleaned)

    def _consents(self, person: Person | None, cleaned: dict) -> list[Consent]:
        """The consents to record: those the person has not given in the network's own
        pages, and whose source, date or text version the sheet gives otherwise."""
        wanted = {
            "source": cleaned.get("consent_source") or self.options.consent_source,
            "given_on": cleaned.get("consent_date") or _date(self.options.consent_date),
            "version": cleaned.get("consent_version") or self.options.consent_version,
        }
        consents = []
        for kind in IMPORTED_CONSENTS:
            current = self.db_consents.get((person.pk, kind)) if person else None
            if current is not None and current.given:
                if not current.source:
                    continue
                as_given = {
                    "source": current.source,
                    "given_on": current.given_on,
                    "version": current.version,
                }
                if as_given == wanted:
                    continue
            consents.append(Consent(kind=kind, given=True, **wanted))
        return consents

    def _register(self, plan: PersonPlan, cleaned: dict) -> None:
        name = fold(cleaned["full_name"])
        if plan.person is not None:
            self.by_email.setdefault(plan.person.email.lower(), plan)
        if cleaned.get("email"):
            self.by_email.setdefault(cleaned["email"].lower(), plan)
        if cleaned.get("phone"):
            self.by_phone.setdefault((cleaned["phone"], name), plan)
        if cleaned.get("postal_code"):
            self.by_name.setdefault((name, _postal(cleaned["postal_code"])), plan)

    def _compare_with_first_row(self, row: Cells, cleaned: dict, plan: PersonPlan) -> None:
        for name, value in cleaned.items():
            first = plan.values.get(name)
            if (
                name in BY_KEY
                and value not in (None, "")
                and first not in (None, "")
                and value != first
            ):
                row.error(
                    name,
                    _("Row %(row)d gives this person another %(column)s: “%(value)s”.")
                    % {
                        "row": plan.first_row,
                        "column": str(BY_KEY[name].label).lower(),
                        "value": row.get(name) or first,
                    },
                )


def _split(cell: str) -> list[str]:
    """The values of a cell that may hold several, one per line or separated by ";"."""
    return list(dict.fromkeys(part.strip() for part in re.split(r"[;\n]", cell) if part.strip()))


def _postal(code: str) -> str:
    return "".join(code.split()).upper()


# -- One row's values -------------------------------------------------------------------


def _clean_row(row: Cells, options: ImportOptions) -> dict:
    """The row's values as the network stores them; each unreadable one is an error of
    its column (in row.errors) and left out."""
    cleaned: dict = {}
    name = row.get("full_name")
    if not name:
        row.error("full_name", _("The name is missing."))
    for key in ("full_name", "street_address", "postal_code", "city"):
        value = row.get(key)
        if invisible_characters(value):
            row.error(key, _("This contains invisible characters; type it again without them."))
        elif len(value) > (getattr(Person._meta.get_field(key), "max_length", None) or 200):
            row.error(key, _("This is too long."))
        else:
            cleaned[key] = value
    email = row.get("email")
    cleaned["email"] = ""
    if email:
        try:
            validate_email(email)
            cleaned["email"] = email
        except ValidationError:
            row.error("email", _("“%(value)s” is not an email address.") % {"value": email})
    has_address = all(row.get(key) for key in ("street_address", "postal_code", "city"))
    if not email and not has_address:
        row.error(
            "email",
            _("No email and no full postal address: the network could not reach this person."),
        )
    country = _country(row)
    if country and row.get("country"):
        cleaned["country"] = country
    phone = row.get("phone")
    cleaned["phone"] = ""
    if phone and country is not None:
        number = to_python(phone, region=country)
        if number is None or not number.is_valid():
            row.error(
                "phone",
                _("“%(value)s” is not a phone number in %(country)s.")
                % {"value": phone, "country": countries.name(country)},
            )
        else:
            cleaned["phone"] = number.as_e164
    for key, parse in [
        ("relationship", _relationship),
        ("language", _language),
        ("birth_year", _birth_year),
        ("consent_source", _consent_source),
        ("consent_date", _consent_date),
    ]:
        value = row.get(key)
        if value:
            result = parse(value)
            if result is None:
                row.error(key, _invalid_message(key, value))
            else:
                cleaned[key] = result
    version = row.get("consent_version")
    if len(version) > VERSION_MAX_LENGTH:
        row.error("consent_version", _("At most %(n)d characters.") % {"n": VERSION_MAX_LENGTH})
    elif version:
        cleaned["consent_version"] = version
    for key in SHARING_FIELDS:
        value = row.get(key)
        if value:
            answer = _yes_no(value)
            if answer is None:
                row.error(key, _("Write yes or no, not “%(value)s”.") % {"value": value})
            else:
                cleaned[key] = answer
    return cleaned


def _invalid_message(key: str, value: str) -> str:
    messages = {
        "relationship": _("“%(value)s” is not a relationship the network knows: %(known)s."),
        "language": _("“%(value)s” is not a language the network speaks: %(known)s."),
        "birth_year": _("“%(value)s” is not a year of birth."),
        "consent_source": _("“%(value)s” is not how a consent is given: %(known)s."),
        "consent_date": _("“%(value)s” is not a date that can be read; write it as 31-12-2019."),
    }
    known = {
        "relationship": ", ".join(str(label) for _v, label in Relationship.choices),
        "language": ", ".join(code for code, _n in settings.LANGUAGES),
        "consent_source": ", ".join(str(label) for _v, label in ConsentSource.choices),
    }
    return messages[key] % {"value": value, "known": known.get(key, "")}


def _country(row: Cells) -> str | None:
    """The row's country code (the network's first country where none is given), or None
    with an error of the column."""
    allowed = settings.NETWORK_ALLOWED_COUNTRIES
    typed = row.get("country")
    if not typed:
        return allowed[0]
    code = _country_names().get(fold(typed))
    if code is None:
        row.error("country", _("“%(value)s” is not a country.") % {"value": typed})
        return None
    if code not in allowed:
        row.error(
            "country",
            _("%(country)s is outside the network, which covers %(allowed)s.")
            % {
                "country": countries.name(code),
                "allowed": ", ".join(str(countries.name(c)) for c in allowed),
            },
        )
        return None
    return code


@cache
def _country_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for code, _name in [*settings.LANGUAGES, ("en", "")]:
        with translation.override(code):
            for country_code, name in countries:
                names.setdefault(fold(str(name)), country_code)
    for country_code, _name in countries:
        names.setdefault(fold(country_code), country_code)
    return names


@cache
def _labels(choices: tuple[tuple[str, object], ...], extra: tuple[tuple[str, str], ...]) -> dict:
    labels = {fold(value): value for value, _label in choices}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for value, label in choices:
                labels.setdefault(fold(str(label)), value)
    for word, value in extra:
        labels.setdefault(fold(word), value)
    return labels


RELATIONSHIP_WORDS = (
    ("selv", "patient"),
    ("mor", "parent"),
    ("far", "parent"),
    ("forælder", "parent"),
    ("forældre", "parent"),
    ("pårørende", "relative"),
    ("søskende", "relative"),
    ("bedsteforælder", "relative"),
)


def _relationship(value: str) -> str | None:
    return _labels(tuple(Relationship.choices), RELATIONSHIP_WORDS).get(fold(value))


def _language(value: str) -> str | None:
    words = (("dansk", "da"), ("engelsk", "en"), ("svensk", "sv"), ("norsk", "nb"), ("finsk", "fi"))
    languages = tuple((code, name) for code, name in settings.LANGUAGES)
    return _labels(languages, words).get(fold(value))


def _consent_source(value: str) -> str | None:
    words = (("papir", "paper"), ("på papir", "paper"), ("mail", "email"), ("e-mail", "email"))
    return _labels(tuple(ConsentSource.choices), words).get(fold(value))


def _birth_year(value: str) -> int | None:
    if value.isdigit() and 1900 <= int(value) <= timezone.now().year:
        return int(value)
    return None


YES = {"ja", "j", "yes", "y", "x", "1", "true", "sand", "kylla", "joo"}
NO = {"nej", "n", "no", "0", "false", "falsk", "nei", "ei"}


@cache
def _yes_and_no() -> tuple[set[str], set[str]]:
    """Yes and no as the export writes them in each language, and as people write them."""
    yes, no = set(YES), set(NO)
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            yes.add(fold(_("yes")))
            no.add(fold(_("no")))
    return yes, no


def _yes_no(value: str) -> bool | None:
    yes, no = _yes_and_no()
    folded = fold(value)
    return True if folded in yes else False if folded in no else None


def _consent_date(value: str) -> datetime.date | None:
    """A date as a Danish secretariat writes it (31-12-2019, 31.12.2019, 31/12/2019), or
    as an export or a spreadsheet gives it (2019-12-31)."""
    value = value.strip()
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?", value)
    danish = re.fullmatch(r"(\d{1,2})[-./](\d{1,2})[-./](\d{4})", value)
    try:
        if iso:
            return datetime.date(int(iso[1]), int(iso[2]), int(iso[3]))
        if danish:
            return datetime.date(int(danish[3]), int(danish[2]), int(danish[1]))
    except ValueError:
        return None
    return None


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


# -- Diagnoses ---------------------------------------------------------------------------


@dataclass
class Match:
    diagnosis: Diagnosis | None
    how: str = ""  # "code", "name", "chosen"
    candidates: list[Diagnosis] = field(default_factory=list)

    def describe(self, typed: str) -> dict:
        described: dict = {"typed": typed}
        if self.diagnosis is not None:
            described.update(orpha_code=self.diagnosis.orpha_code, match=str(self.diagnosis))
            described["how"] = self.how
        elif self.candidates:
            described["candidates"] = [[d.pk, str(d)] for d in self.candidates]
        return described


class _DiagnosisMatcher:
    """Each diagnosis as typed, matched once: an ORPHA code exactly; a name or synonym of
    exactly one catalogue entry; an entry staff chose for this spelling before; else the
    closest entries, for staff to choose from."""

    def __init__(self, typed: set[str]):
        codes = {int(m[1]) for t in typed if (m := ORPHA_CODE.match(t))}
        by_code = Diagnosis.objects.filter(orpha_code__in=codes).select_related("replaced_by")
        self.by_code = {d.orpha_code: d for d in by_code}
        spellings = DiagnosisSpelling.objects.filter(typed__in={fold(t)[:255] for t in typed})
        self.chosen = {s.typed: s.diagnosis for s in spellings.select_related("diagnosis")}
        # Names and synonyms typed as the catalogue writes them, found in two queries
        # rather than a search each: a sheet of 240 groups names most of them so.
        lowered = {t.lower() for t in typed if not ORPHA_CODE.match(t)}
        self.named: dict[str, set[Diagnosis]] = {}
        entries = Diagnosis.objects.filter(is_active=True)
        for diagnosis in entries.annotate(lowered=Lower("name")).filter(lowered__in=lowered):
            self.named.setdefault(diagnosis.name.lower(), set()).add(diagnosis)
        synonyms = DiagnosisName.objects.annotate(lowered=Lower("name")).filter(
            lowered__in=lowered, diagnosis__is_active=True
        )
        for synonym in synonyms.select_related("diagnosis"):
            self.named.setdefault(synonym.name.lower(), set()).add(synonym.diagnosis)
        self.cache: dict[str, Match] = {}

    def match(self, typed: str) -> Match:
        key = fold(typed)
        if key not in self.cache:
            self.cache[key] = self._match(typed, key)
        return self.cache[key]

    def _match(self, typed: str, key: str) -> Match:
        code = ORPHA_CODE.match(typed)
        if code:
            diagnosis = self.by_code.get(int(code[1]))
            if diagnosis is not None and not diagnosis.is_active and diagnosis.replaced_by:
                diagnosis = diagnosis.replaced_by
            return Match(diagnosis, "code")
        if key[:255] in self.chosen:
            return Match(self.chosen[key[:255]], "chosen")
        named = self.named.get(typed.lower(), set())
        if len(named) == 1:
            return Match(next(iter(named)), "name")
        found = list(search_diagnoses(typed, limit=CANDIDATES))
        exact = [d for d in found if key in d.search_text.split(" | ")]
        if len(exact) == 1:
            return Match(exact[0], "name")
        return Match(None, candidates=found)


# -- Writing -----------------------------------------------------------------------------


def _apply(plan: Plan, rows: list[RowPlan], member_import: MemberImport, by: User) -> None:
    """Write one chunk of planned rows: people, their changes and consents, new groups, and
    memberships, each once however many rows name it."""
    ready = [row for row in rows if row.status == READY and row.person is not None]
    people = list({id(row.person): row.person for row in ready if row.person}.values())
    new = [p for p in people if p.person is None]
    created = Person.objects.bulk_create(Person(**p.details) for p in new)
    for plan_person, created_person in zip(new, created, strict=True):
        plan_person.person = created_person
        plan_person.applied = True
        accesslog.record(
            by, accesslog.Action.CHANGED, "person", created_person.pseudonym, ["created"]
        )
    touched_groups: set[int] = set()
    now = timezone.now()
    for plan_person in people:
        person = plan_person.person
        if person is None:
            continue
        if plan_person.changes and not plan_person.applied:
            for name in plan_person.changes:
                setattr(person, name, plan_person.details[name])
            person.details_changed_at = now
            person.details_changed_by = by
            person.save(
                update_fields=[*plan_person.changes, "details_changed_at", "details_changed_by"]
            )
            accesslog.record(
                by, accesslog.Action.CHANGED, "person", person.pseudonym, plan_person.changes
            )
            if set(plan_person.changes) & members.SHARED_FIELDS:
                touched_groups.update(g for g in plan_person.groups if isinstance(g, int))
        plan_person.applied = True
        for consent in plan_person.consents:
            consent.person = person
            consent.recorded_by = by
    members.record_consents(
        c for p in people for c in p.consents if c.pk is None and c.person_id is not None
    )
    for row in ready:
        for group_plan in row.groups:
            if group_plan.group is None:
                group, _created = DiagnosisGroup.objects.get_or_create(name=group_plan.name)
                if group_plan.diagnosis is not None:
                    group.diagnoses.add(group_plan.diagnosis)
                group_plan.group = group
    pairs = [
        (row.person.person, group_plan.group)
        for row in ready
        for group_plan in row.groups
        if row.person and row.person.person and group_plan.group
    ]
    for membership in members.add_existing_members(pairs, by=by):
        touched_groups.add(membership.group_id)
    for row in ready:
        row.outcome["pseudonym"] = (
            str(row.person.person.pseudonym) if row.person and row.person.person else ""
        )
    ImportedGroup.objects.bulk_create(
        [ImportedGroup(member_import=member_import, group_id=g) for g in touched_groups],
        ignore_conflicts=True,
    )
