"""Staff take an import through admin (upload, mapping, dry run, choice, import, report,
lists) and export members; a file that is no members spreadsheet gets a clear message next
to the field, never an error page."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accesslog.models import AccessRecord
from contactlists.models import ContactList
from imports.models import ColumnMapping, MemberImport
from members.models import Membership, Person

from .conftest import csv_bytes, xlsx

UPLOAD = reverse("admin:imports_memberimport_add")
DEFAULTS = {"consent_source": "paper", "consent_version": "papir-2019", "share_address": "on"}


@pytest.fixture
def staff(client, secretariat):
    client.force_login(secretariat)
    return client


def upload(client, name: str, data: bytes):
    return client.post(UPLOAD, {**DEFAULTS, "file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("photo.xlsx", b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "This is not a spreadsheet"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "could not be read as an Excel workbook"),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "old Excel file"),
        ("empty.csv", b";;\n\n;;\n", "The file is empty"),
        (
            "noheader.csv",
            "Søren Ågård;soren@eksempel.dk;28 00 00 01\n".encode(),
            "The first row holds data, not column names",
        ),
        ("huge.csv", b"Navn;E-mail\n" + b"x" * (50 * 1024 * 1024), "is 50 MB"),
    ],
)
def test_a_file_that_is_no_members_spreadsheet_is_named_next_to_the_field(
    staff, name, data, message
):
    response = upload(staff, name, data)
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    assert any(message in error for error in errors), errors
    # What was chosen stays filled in.
    assert response.context["form"]["consent_version"].value() == "papir-2019"
    assert not MemberImport.objects.exists()


def test_staff_map_check_choose_import_and_send_in_admin(
    staff, alstrom, kabuki, mailoutbox, after_commit
):
    sheet = [
        ["Fulde navn", "Mail", "Tlf", "Adresse", "Postnr", "By", "Sygdom", "Noter"],
        [
            "Søren Ågård",
            "soren@eksempel.dk",
            "28 00 00 01",
            "Vej 1",
            "8000",
            "Århus",
            "ORPHA:64",
            "",
        ],
        ["Åse Øster", "aase@eksempel.dk", "+4528000002", "Vej 2", "8000", "Århus", "Kabuki syndrom"]
        + [""],
        ["Bo Berg", "bo@eksempel.dk", "0045 2800 0003", "Vej 3", "8000", "Århus", "64", "=1+1"],
    ]
    response = upload(staff, "medlemmer.csv", csv_bytes(sheet))
    member_import = MemberImport.objects.get()
    assert response.url == reverse("admin:imports_mapping", args=[member_import.pk])
    mapping_page = staff.get(response.url)
    guessed = {f.label: f.initial for f in mapping_page.context["form"]}
    assert guessed["Fulde navn"] == "full_name"
    assert guessed["Sygdom"] == "diagnoses"
    assert guessed["Noter"] == ""
    form = {f"column_{i}": guessed[h] for i, h in enumerate(sheet[0])}

    # Two columns for one field: refused, the choices kept.
    refused = staff.post(response.url, {**form, "column_7": "email"})
    assert "chosen twice" in str(refused.context["form"].non_field_errors())
    assert refused.context["form"]["column_7"].value() == "email"

    with after_commit():
        staff.post(response.url, form)
    checked = staff.get(reverse("admin:imports_memberimport_change", args=[member_import.pk]))
    assert ColumnMapping.objects.get().mapping["Sygdom"] == "diagnoses"
    member_import.refresh_from_db()
    assert member_import.status == MemberImport.Status.CHECKED
    assert member_import.counts["ready"] == 2
    assert member_import.counts["to_choose"] == 1
    page = checked.content.decode()
    assert "Kabuki syndrome" in page  # offered for "Kabuki syndrom"
    assert not Person.objects.exists()

    # Staff choose Kabuki syndrome for "Kabuki syndrom"; the dry run is done again.
    choice = checked.context["choice_form"]
    with after_commit():
        staff.post(
            reverse("admin:imports_choose", args=[member_import.pk]),
            {"typed_0": next(v for v, lbl in choice.fields["typed_0"].choices if "Kabuki" in lbl)},
        )
    member_import.refresh_from_db()
    assert member_import.counts["ready"] == 3

    with after_commit():
        staff.post(reverse("admin:imports_confirm", args=[member_import.pk]))
    member_import.refresh_from_db()
    assert member_import.status == MemberImport.Status.IMPORTED
    assert Membership.objects.count() == 3
    assert mailoutbox == []

    report = staff.get(reverse("admin:imports_report", args=[member_import.pk, "xlsx"]))
    rows = list(
        openpyxl.load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True)
    )
    assert len(rows) == 4
    assert {row[1] for row in rows[1:]} == {"imported"}
    assert AccessRecord.objects.filter(action="exported", note="import report").count() == 3

    # A second upload of the same layout is mapped as staff mapped it.
    again = upload(staff, "medlemmer.csv", csv_bytes(sheet))
    assert MemberImport.objects.get(pk=again.url.split("/")[-3]).mapping["Noter"] == ""

    with after_commit():
        staff.post(reverse("admin:imports_send", args=[member_import.pk]))
    assert ContactList.objects.count() == 2
    assert len(mailoutbox) == 3

    # The export: logged for each person in it, formulas kept as text.
    export = staff.post(reverse("admin:imports_export"), {"group": "", "file_format": "csv"})
    text = export.content.decode("utf-8-sig")
    assert "Søren Ågård" in text
    assert "'=1+1" not in text  # the notes were not imported
    assert AccessRecord.objects.filter(action="exported").count() == 3 + 3


def test_staff_without_the_role_cannot_import(client, django_user_model):
    user = django_user_model.objects.create_user("other", password="x", is_staff=True)
    client.force_login(user)
    response = upload(client, "medlemmer.xlsx", xlsx([["Navn"], ["Søren"]]))
    assert response.status_code == 403
    assert client.get(reverse("admin:imports_export")).status_code == 403
