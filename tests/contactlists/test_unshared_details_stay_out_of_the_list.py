"""A member chooses which contact details the group sees. A detail they do not share is in
no part of the list: not the text, not the HTML, not the spreadsheet, not the contact cards."""

from __future__ import annotations

import csv
import io

import pytest
import vobject

from contactlists.services import record_group_change
from members.models import Person
from members.signals import MembershipChange

from .conftest import group_of, join, list_emails

# The choice; the member's detail in the forms it could take; its CSV column (headings are
# in the reader's language) and vCard property.
CHOICES = {
    "share_phone": (lambda p: [p.phone.as_e164, p.phone.as_international], 4, "tel"),
    "share_email": (lambda p: [p.email], 5, "email"),
    "share_address": (lambda p: [p.street_address, p.city, p.postal_code], 3, "adr"),
}


def parts(mail) -> dict[str, str]:
    return {
        "text": mail.text(),
        "html": mail.html(),
        "csv": mail.attachment(".csv"),
        "vcard": mail.attachment(".vcf"),
    }


@pytest.mark.parametrize("choice", list(CHOICES))
def test_a_detail_the_member_does_not_share_is_in_no_part_of_the_list(
    choice, alstrom, secretariat, send_lists, after_commit, mailoutbox
):
    mette = join("Mette Holm", alstrom, secretariat)
    jonas = join("Jonas Berg", alstrom, secretariat)
    send_lists()
    mailoutbox.clear()
    forms_of, csv_column, vcard_property = CHOICES[choice]

    with after_commit():
        Person.objects.filter(pk=jonas.pk).update(**{choice: False})
        record_group_change(
            group_of(jonas).pk, person_id=jonas.pk, reason=MembershipChange.DETAILS_CHANGED
        )

    mails = list_emails(mailoutbox)
    assert sorted(address for mail in mails for address in mail.recipients) == sorted(
        [mette.email, jonas.email]
    )
    for mail in mails:
        for part, content in parts(mail).items():
            assert "Jonas Berg" in content, part
            for value in forms_of(jonas):
                assert value not in content, f"{value} in the {part}"
            assert any(value in content for value in forms_of(mette)), f"Mette's not in {part}"
        rows = {row[0]: row for row in csv.reader(io.StringIO(mail.attachment(".csv")))}
        assert rows["Jonas Berg"][csv_column] == ""
        assert rows["Mette Holm"][csv_column] != ""
        cards = {card.fn.value: card for card in vobject.readComponents(mail.attachment(".vcf"))}
        assert vcard_property not in cards["Jonas Berg"].contents
        assert vcard_property in cards["Mette Holm"].contents
