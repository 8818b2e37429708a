"""Helpers for the import tests: a small catalogue, spreadsheets written as a secretariat
would keep them, and an import taken through its steps as staff take it in admin."""

from __future__ import annotations

import csv
import io
from functools import partial

import openpyxl
import pytest

from diagnoses.models import Diagnosis
from diagnoses.services import save_diagnosis
from imports import services
from imports.models import MemberImport

# The header row of a Danish secretariat's sheet.
DANISH_HEADERS = [
    "Navn",
    "E-mail",
    "Telefon",
    "Adresse",
    "Postnr",
    "By",
    "Land",
    "Relation",
    "Diagnose",
    "Samtykkedato",
]


def xlsx(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows: list[list[object]], delimiter: str = ";") -> bytes:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return out.getvalue().encode("utf-8-sig")


@pytest.fixture
def catalogue(db) -> list[Diagnosis]:
    """240 catalogue entries, each with a Danish-lettered name of its own."""
    words = ["Ærø", "Østerbro", "Ålborg", "Skærbæk", "Brøndby", "Hørsholm", "Næstved", "Tårnby"]
    return [
        save_diagnosis(
            Diagnosis(orpha_code=90000 + i, name=f"{words[i % 8]} syndrom type {i}"),
            [],
        )
        for i in range(240)
    ]


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    return partial(django_capture_on_commit_callbacks, execute=True)


@pytest.fixture
def dry_run(after_commit):
    """Upload `data` and map its columns as their names suggest: the dry run, as staff
    see it before confirming."""

    def run(data: bytes, by, **options) -> MemberImport:
        with after_commit():
            member_import = services.start_import(
                "medlemmer.xlsx", data, services.ImportOptions(**options), by=by
            )
            services.map_columns(member_import, member_import.mapping, by=by)
        member_import.refresh_from_db()
        assert member_import.status == MemberImport.Status.CHECKED
        return member_import

    return run


@pytest.fixture
def confirm(after_commit):
    def run(member_import: MemberImport, by) -> MemberImport:
        with after_commit():
            assert services.confirm_import(member_import, by=by)
        member_import.refresh_from_db()
        assert member_import.status == MemberImport.Status.IMPORTED, member_import.failure
        return member_import

    return run


NOTHING_CHANGES = {
    "people_new": 0,
    "people_changed": 0,
    "memberships_new": 0,
    "groups_new": 0,
    "consents_new": 0,
    "errors": 0,
    "to_choose": 0,
}


def changes(counts: dict) -> dict:
    return {key: counts[key] for key in NOTHING_CHANGES}
