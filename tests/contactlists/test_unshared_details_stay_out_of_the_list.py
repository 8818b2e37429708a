"""A member chooses which contact details the group sees: name and email always, the rest
as they choose, the birth year only if they choose it. A detail they do not share is in no
part of the list: not the text, not the HTML, not the spreadsheet, not the contact cards."""

from __future__ import annotations

import csv
import io

import pytest
import vobject

from contactlists.services import record_group_change
from members.models import Person, Relationship
from members.signals import MembershipChange

from .conftest import group_of, join, list_emails, xlsx_text

# The choice; the member's detail in the forms it could take; its CSV column (headings are
# in the reader's language) and vCard property (every card has a note: where it came from).
CHOICES = {
    "share_phone": (lambda p: [p.phone.as_e164, p.phone.as_international], 4, "tel"),
    # Jonas is a guardian (below), Mette a parent; without its first letter, the label
    # matches with a capital or without.
    "share_relationship": (lambda p: [Relationship(p.relationship).label[1:]], 1, None),
    "share_address": (lambda p: [p.street_address, p.city, p.postal_code], 3, "adr"),
}


def parts(mail) -> dict[str, str]:
    return {
        "text": mail.text(),
        "html": mail.html(),
        "csv": mail.attachment(".csv"),
        "vcard": mail.attachment(".vcf"),
        "excel": xlsx_text(mail),
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
        Person.objects.filter(pk=jonas.pk).update(relationship="guardian", **{choice: False})
        record_group_change(
            group_of(jonas).pk, person_id=jonas.pk, reason=MembershipChange.DETAILS_CHANGED
        )

    jonas.refresh_from_db()
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
        if vcard_property:
            assert vcard_property not in cards["Jonas Berg"].contents
            assert vcard_property in cards["Mette Holm"].contents


def test_the_birth_year_reaches_the_group_only_when_the_member_chooses_it(
    alstrom, secretariat, send_lists, after_commit, mailoutbox
):
    mette = join("Mette Holm", alstrom, secretariat)
    jonas = join("Jonas Berg", alstrom, secretariat)
    Person.objects.filter(pk=mette.pk).update(birth_year=2011)
    Person.objects.filter(pk=jonas.pk).update(birth_year=2016)
    send_lists()
    for mail in list_emails(mailoutbox):
        for part, content in parts(mail).items():
            assert "2011" not in content and "2016" not in content, part
    mailoutbox.clear()

    with after_commit():
        Person.objects.filter(pk=jonas.pk).update(share_birth_year=True)
        record_group_change(
            group_of(jonas).pk, person_id=jonas.pk, reason=MembershipChange.DETAILS_CHANGED
        )

    for mail in list_emails(mailoutbox):
        assert "Parent, born 2016" in mail.text()
        assert "2016" in mail.attachment(".csv") and "2016" in mail.attachment(".vcf")
        assert "2011" not in mail.text()
