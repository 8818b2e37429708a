"""The list comes three ways: in the email itself, as a spreadsheet (CSV) and as contact cards
(vCard). Each opens in the programs members use and holds the same people with the same
details, letters such as æ, ø, å and ö included."""

from __future__ import annotations

import csv
import io

import vobject

from members.models import Person

from .conftest import join, list_emails


def raw_attachment(mail, suffix: str) -> bytes:
    for part in mail.message.walk():
        if (part.get_filename() or "").endswith(suffix):
            return part.get_payload(decode=True)
    raise KeyError(suffix)


def test_the_csv_and_vcard_attachments_parse_and_hold_the_people_of_the_body(
    alstrom, secretariat, send_lists, mailoutbox
):
    people = [
        join(name, alstrom, secretariat) for name in ("Mette Holm", "Jonas Berg", "Ingrid Lund")
    ]
    Person.objects.filter(pk=people[0].pk).update(full_name="Mette Søgård-Ærø")
    for person in people:
        person.refresh_from_db()
    send_lists()
    expected = {person.full_name: person for person in people}

    mails = list_emails(mailoutbox)
    assert len(mails) == 3
    for mail in mails:
        text, html = mail.text(), mail.html()
        assert "3 members, version 1" in text
        for name, person in expected.items():
            assert name in text and name in html
            assert person.email in text
            assert person.phone.as_international in text
            assert person.street_address in text

        raw_csv = raw_attachment(mail, ".csv")
        # A byte-order mark, so that spreadsheet programs read the file as UTF-8.
        assert raw_csv.startswith(b"\xef\xbb\xbf")
        heading, *rows = list(csv.reader(io.StringIO(raw_csv.decode("utf-8-sig"))))
        assert len(heading) == 7
        by_name = {row[0]: row for row in rows}
        assert set(by_name) == set(expected)
        for name, person in expected.items():
            row = by_name[name]
            assert (
                row[3]
                == f"{person.street_address}, {person.postal_code} {person.city}, "
                + ({"DK": "Denmark", "SE": "Sweden"}[person.country.code])
            )
            # Readable with its + and country code, as text rather than a formula.
            assert row[4] == "'" + person.phone.as_international
            assert row[5] == person.email

        cards = list(vobject.readComponents(raw_attachment(mail, ".vcf").decode("utf-8")))
        by_name = {card.fn.value: card for card in cards}
        assert len(cards) == len(by_name) == 3
        assert set(by_name) == set(expected)
        for name, person in expected.items():
            card = by_name[name]
            assert card.email.value == person.email
            assert card.tel.value.replace(" ", "") == person.phone.as_e164
            assert card.adr.value.street == person.street_address
            assert card.adr.value.code == person.postal_code
            assert card.adr.value.city == person.city
            assert card.n.value.family == name.rpartition(" ")[2]
