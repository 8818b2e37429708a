"""A spreadsheet program opens a double-clicked CSV file split at the list separator of the
computer's region: the semicolon in Danish, Swedish, Norwegian and Finnish settings (where
the comma is the decimal mark), the comma in English ones. Each reader's CSV is split the
way their program splits it; the Excel file opens in columns anywhere, every cell text."""

from __future__ import annotations

import csv
import io

from django.urls import reverse
from django.utils import translation

from members.models import Person
from selfservice.views import SESSION_KEY

from .conftest import group_of, join, list_emails, raw_attachment, xlsx_cells


def rows_as_read(mail, delimiter: str) -> list[list[str]]:
    """The CSV attachment as a spreadsheet program reads it: UTF-8 after the byte-order
    mark, split at `delimiter`."""
    raw = raw_attachment(mail, ".csv")
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=delimiter))


def test_a_danish_reader_finds_each_field_in_its_own_column(
    alstrom, secretariat, send_lists, mailoutbox
):
    mette = join("Mette Holm", alstrom, secretariat)
    jonas = join("Jonas Berg", alstrom, secretariat)
    join("Ingrid Lund", alstrom, secretariat)
    Person.objects.filter(pk=mette.pk).update(language="da")
    Person.objects.filter(pk=jonas.pk).update(
        full_name="Jonas Bjørn Ærøe", street_address="Åboulevarden 7, 2. sal", language="en"
    )
    send_lists()

    [danish] = list_emails(mailoutbox, to=mette.email)
    heading, *rows = rows_as_read(danish, ";")
    # No Excel-only "sep=;" line, which other programs would show as a row.
    assert heading[0] == "Navn"
    assert all(len(row) == 7 for row in [heading, *rows])
    by_name = {row[0]: row for row in rows}
    assert set(by_name) == {"Mette Holm", "Jonas Bjørn Ærøe", "Ingrid Lund"}
    # The address, with its commas, stays in its one column; phone and email in theirs.
    assert by_name["Jonas Bjørn Ærøe"][3] == "Åboulevarden 7, 2. sal, 1401 København K, Danmark"
    assert by_name["Jonas Bjørn Ærøe"][4] == "'+45 31 23 45 67"
    assert by_name["Jonas Bjørn Ærøe"][5] == jonas.email
    assert by_name["Ingrid Lund"][3] == "Storgatan 8, 41138 Göteborg, Sverige"

    # The Excel file, the same people in the same columns, every cell a text cell.
    heading, *rows = xlsx_cells(danish)
    assert [cell.value for cell in heading] == [
        "Navn",
        "Tilknytning",
        "Fødselsår",
        "Adresse",
        "Telefon",
        "E-mail",
        "Ny",
    ]
    by_name = {row[0].value: row for row in rows}
    jonas_row = [cell.value for cell in by_name["Jonas Bjørn Ærøe"]]
    assert jonas_row[3:6] == [
        "Åboulevarden 7, 2. sal, 1401 København K, Danmark",
        # No apostrophe needed where the cell is text by its type.
        "+45 31 23 45 67",
        jonas.email,
    ]
    assert all(cell.data_type == "s" for row in xlsx_cells(danish) for cell in row if cell.value)

    # An English reader's program splits at commas.
    [english] = list_emails(mailoutbox, to=jonas.email)
    heading, *rows = rows_as_read(english, ",")
    assert heading[:2] == ["Name", "Relationship"]
    by_name = {row[0]: row for row in rows}
    assert by_name["Jonas Bjørn Ærøe"][3] == "Åboulevarden 7, 2. sal, 1401 København K, Denmark"


def test_the_member_page_offers_the_same_files_as_the_email(
    alstrom, secretariat, send_lists, client
):
    mette = join("Mette Holm", alstrom, secretariat)
    join("Ingrid Lund", alstrom, secretariat)
    send_lists()
    session = client.session
    session[SESSION_KEY] = str(mette.pseudonym)
    session.save()

    group = group_of(mette)
    with translation.override("da"):
        csv_url = reverse("selfservice:contact_list_csv", args=[group.pk])
        xlsx_url = reverse("selfservice:contact_list_xlsx", args=[group.pk])
    response = client.get(csv_url)
    text = response.content.decode("utf-8-sig")
    heading, *rows = csv.reader(io.StringIO(text), delimiter=";")
    assert heading[0] == "Navn" and len(heading) == 7
    assert {row[0] for row in rows} == {"Mette Holm", "Ingrid Lund"}

    response = client.get(xlsx_url)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "kontaktliste-v1.xlsx" in response["Content-Disposition"]
