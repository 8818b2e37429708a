"""The members as a spreadsheet, for staff: a group's, or the whole network's, in the
layout an import reads (imports/columns.py), so that an export imported again changes
nothing. Each person exported is logged as an access; each cell that a spreadsheet would
run as a formula is written so that it shows as text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

import openpyxl
from django.contrib.auth.models import User
from django.db.models import Prefetch
from django.utils.translation import gettext as _

from accesslog import services as accesslog
from contactlists.emails import spreadsheet_text
from diagnoses.models import Diagnosis, DiagnosisGroup
from members.consents import ConsentKind
from members.models import Consent, Membership

from .columns import export_headers

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def member_rows(group: DiagnosisGroup | None = None) -> tuple[list[list[object]], list]:
    """One row per active membership (of `group`, or of every group), with the person's
    details, sharing choices and consent as the import reads them; and the people."""
    memberships = (
        Membership.objects.active()
        .filter(person__isnull=False)
        .select_related("person", "group")
        .prefetch_related(
            Prefetch("group__diagnoses", queryset=Diagnosis.objects.order_by("orpha_code"))
        )
        .order_by("group__name", "person__full_name", "person__pk")
    )
    if group is not None:
        memberships = memberships.filter(group=group)
    memberships_list = list(memberships)
    people = {m.person.pk: m.person for m in memberships_list if m.person}
    consent: dict[int, Consent] = {}
    for record in Consent.objects.filter(
        person__in=list(people), kind=ConsentKind.SHARE_CONTACT_DETAILS
    ).order_by("recorded_at", "pk"):
        consent[record.person_id or 0] = record

    def yes_no(value: bool) -> str:
        return _("yes") if value else _("no")

    rows: list[list[object]] = []
    for membership in memberships_list:
        person = membership.person
        if person is None:
            continue
        given = consent.get(person.pk)
        rows.append(
            [
                person.full_name,
                person.email,
                str(person.phone) if person.phone else "",
                person.street_address,
                person.postal_code,
                person.city,
                person.country.name,
                person.get_relationship_display() if person.relationship else "",
                person.birth_year or "",
                person.language,
                "; ".join(f"ORPHA:{d.orpha_code}" for d in membership.group.diagnoses.all()),
                membership.group.name,
                yes_no(person.share_address),
                yes_no(person.share_phone),
                yes_no(person.share_relationship),
                yes_no(person.share_birth_year),
                given.get_source_display() if given and given.source else "",
                given.given_on.isoformat() if given and given.given_on else "",
                given.version if given and given.source else "",
            ]
        )
    return rows, list(people.values())


def export_members(group: DiagnosisGroup | None, file_format: str, *, by: User) -> bytes:
    """The spreadsheet of a group's members, or of everyone's, each person logged as
    exported by `by`."""
    rows, people = member_rows(group)
    note = _("export of %(group)s") % {"group": group} if group else _("export of the network")
    for person in people:
        accesslog.record(by, accesslog.Action.EXPORTED, "person", person.pseudonym, note=note[:200])
    return write(export_headers(), rows, file_format)


def write(headers: list[str], rows: Iterable[list[object]], file_format: str) -> bytes:
    """A sheet as CSV (UTF-8 with a byte order mark and semicolons, as spreadsheet programs
    set to a Nordic language open it) or xlsx, every cell text that no spreadsheet runs."""
    if file_format == "xlsx":
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append([spreadsheet_text(cell) for cell in headers])
        for row in rows:
            sheet.append([spreadsheet_text(cell) for cell in row])
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";")
    writer.writerow([spreadsheet_text(cell) for cell in headers])
    for row in rows:
        writer.writerow([spreadsheet_text(cell) for cell in row])
    return ("\ufeff" + text.getvalue()).encode()


def report_rows(outcomes: list[dict], imported: bool) -> tuple[list[str], list[list[object]]]:
    """Every row's outcome, for staff to read beside their sheet."""
    headers = [
        _("Row"),
        _("Outcome"),
        _("Name"),
        _("Person"),
        _("Details changed"),
        _("New memberships"),
        _("Already a member of"),
        _("New groups"),
        _("Diagnoses"),
        _("Errors"),
    ]
    return headers, [
        [
            outcome["row"],
            outcome_label(outcome, imported),
            outcome.get("name", ""),
            person_label(outcome),
            ", ".join(outcome.get("changes", [])),
            "; ".join(outcome.get("memberships", [])),
            "; ".join(outcome.get("already_member", [])),
            "; ".join(outcome.get("new_groups", [])),
            "; ".join(diagnosis_label(d) for d in outcome.get("diagnoses", [])),
            "; ".join(f"{e['column']}: {e['message']}" for e in outcome.get("errors", [])),
        ]
        for outcome in outcomes
    ]


def outcome_label(outcome: dict, imported: bool) -> str:
    return {
        "blank": _("blank row: skipped"),
        "repeated": _("repeats row %(row)s: skipped") % {"row": outcome.get("repeats")},
        "error": _("not imported: see the errors"),
        "choose": _("waiting for the diagnosis to be chosen"),
        "ready": _("imported") if imported else _("to import"),
    }.get(outcome["status"], outcome["status"])


def person_label(outcome: dict) -> str:
    if outcome.get("same_person_as"):
        return _("the person of row %(row)s") % {"row": outcome["same_person_as"]}
    if outcome.get("person") == "new":
        return _("new person")
    found_by = {
        "email": _("found by email"),
        "phone": _("found by phone and name"),
        "name_postal_code": _("found by name and postal code"),
    }
    return str(found_by.get(outcome.get("found_by", ""), ""))


def diagnosis_label(diagnosis: dict) -> str:
    if "match" in diagnosis:
        return f"{diagnosis['typed']} → {diagnosis['match']}"
    if diagnosis.get("candidates"):
        return _("%(typed)s → choose: %(candidates)s") % {
            "typed": diagnosis["typed"],
            "candidates": " / ".join(label for _pk, label in diagnosis["candidates"]),
        }
    return f"{diagnosis['typed']} → ?"
