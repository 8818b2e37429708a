"""Members keep the group in their phone: the contact cards must import cleanly into the
common contacts apps (checked by an independent vCard 3.0 validator, not only the library
that writes them), each card filed under the group's name, with a note saying which
network and list version it came from, and phone numbers in international form."""

from __future__ import annotations

import vobject
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from vcard.vcard_validator import validate_file

from members.models import Person
from selfservice.views import SESSION_KEY

from .conftest import group_of, join, list_emails, raw_attachment


def valid(content: bytes, path) -> bool:
    """Whether the independent validator (package `vcard`) finds no fault in the file."""
    path.write_bytes(content)
    result = validate_file(str(path), verbose=False)
    assert result == "", result
    return True


def test_the_cards_pass_an_independent_validator_and_carry_the_group_name(
    alstrom, secretariat, send_lists, mailoutbox, client, tmp_path
):
    mette = join("Mette Holm", alstrom, secretariat)
    jonas = join("Jonas Berg", alstrom, secretariat)
    join("Ingrid Lund", alstrom, secretariat)
    # Values with the characters vCard escapes, and a line long enough to be folded.
    Person.objects.filter(pk=jonas.pk).update(
        full_name="Jonas Bjørn; Ærøe, Jr.",
        street_address="Åboulevarden 7, 2. sal; opgang B, " + "bagbygningen " * 6,
    )
    Person.objects.filter(pk=mette.pk).update(language="da")
    send_lists()

    # The file as the member page offers it, byte for byte: lines end in CRLF and are
    # folded at 75 octets, as RFC 2426 asks.
    session = client.session
    session[SESSION_KEY] = str(mette.pseudonym)
    session.save()
    with translation.override("da"):
        url = reverse("selfservice:contact_list_vcard", args=[group_of(mette).pk])
    downloaded = client.get(url).content
    assert valid(downloaded, tmp_path / "downloaded.vcf")
    lines = downloaded.split(b"\r\n")
    assert lines[-1] == b"" and all(b"\n" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines)

    # The email's attachment, in the canonical form of a text part (CRLF line breaks, as
    # on the wire: the test's parser turns them into LF).
    [mail] = list_emails(mailoutbox, to=mette.email)
    raw = raw_attachment(mail, ".vcf").replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    assert raw == downloaded
    assert valid(raw, tmp_path / "attached.vcf")

    cards = list(vobject.readComponents(raw.decode("utf-8")))
    assert len(cards) == 3
    group_name = group_of(mette).name
    for card in cards:
        assert card.categories.value == [group_name]
        note = card.note.value
        assert str(settings.NETWORK_NAME) in note and "version 1" in note.lower()
        assert card.tel.value.startswith("+")
    by_name = {card.fn.value: card for card in cards}
    # The name and address come back as typed, with their commas and semicolons.
    jonas_card = by_name["Jonas Bjørn; Ærøe, Jr."]
    assert jonas_card.adr.value.street.startswith("Åboulevarden 7, 2. sal; opgang B, ")
    assert jonas_card.tel.value == "+4531234567"
    assert by_name["Ingrid Lund"].tel.value == "+46701234567"
