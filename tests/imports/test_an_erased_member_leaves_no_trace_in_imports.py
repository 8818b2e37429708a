"""A member imported from the spreadsheet who leaves the network is erased from the
import's stored rows and outcomes too, not only from the people."""

from __future__ import annotations

from imports.models import MemberImport
from members.models import Person
from members.privacy import erase_person

from .conftest import DANISH_HEADERS, xlsx


def test_leaving_the_network_takes_the_persons_rows_out_of_every_import(
    alstrom, secretariat, dry_run, confirm
):
    row = ["Søren Ågård", "soren@eksempel.dk", "28 00 00 01", "Vej 1", "8000", "Århus", "", ""]
    other = ["Åse Øster", "aase@eksempel.dk", "28 00 00 02", "Vej 2", "8000", "Århus", "", ""]
    sheet = [DANISH_HEADERS, [*row, "ORPHA:64", ""], [*other, "ORPHA:64", ""]]
    member_import = confirm(dry_run(xlsx(sheet), secretariat, consent_version="p"), secretariat)

    erase_person(Person.objects.get(email="soren@eksempel.dk"), by=secretariat)

    member_import = MemberImport.objects.get(pk=member_import.pk)
    assert "soren" not in str(member_import.rows).lower()
    assert "Søren" not in str(member_import.outcomes)
    assert [outcome["name"] for outcome in member_import.outcomes] == ["Åse Øster"]
