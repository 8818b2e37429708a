"""One list version, one language per member: the email, its subject, the spreadsheet's column
headings, the contact cards and the attachments' names are in the member's own language."""

from __future__ import annotations

import csv
import io

import vobject

from members.models import Person

from .conftest import join, list_emails


def attachment_names(mail) -> list[str]:
    return sorted(part.get_filename() for part in mail.message.walk() if part.get_filename())


def csv_rows(mail, delimiter: str = ",") -> list[list[str]]:
    return list(csv.reader(io.StringIO(mail.attachment(".csv")), delimiter=delimiter))


def test_a_danish_member_gets_the_list_in_danish_and_an_english_one_in_english(
    alstrom, secretariat, send_lists, after_commit, mailoutbox
):
    mette = join("Mette Holm", alstrom, secretariat)
    jonas = join("Jonas Berg", alstrom, secretariat)
    Person.objects.filter(pk=mette.pk).update(language="da", share_birth_year=True)
    Person.objects.filter(pk=jonas.pk).update(language="en", share_birth_year=True)
    send_lists()

    [danish] = list_emails(mailoutbox, to=mette.email)
    assert danish.subject == "Velkommen i gruppen Alström syndrome: din kontaktliste"
    text = danish.text()
    assert text.startswith("Kære Mette Holm")
    assert "Du er nu medlem af gruppen Alström syndrome" in text
    assert "Du har aldrig pligt til at kontakte nogen eller til at svare." in text
    assert "2 medlemmer, version 1:" in text
    assert "[NY] Jonas Berg" in text
    assert "Forælder, født 2015" in text
    assert "Telefon: +45 31 23 45 67" in text
    assert "8000 Aarhus C\n  Danmark" in text
    assert "Venlig hilsen" in text
    assert "Listen er også vedhæftet som regneark (CSV og Excel)" in danish.html()
    assert "NY</span>" in danish.html()
    # Split at semicolons, as spreadsheet programs set to Danish split it.
    heading, row, _other = csv_rows(danish, ";")
    assert heading == ["Navn", "Tilknytning", "Fødselsår", "Adresse", "Telefon", "E-mail", "Ny"]
    assert (row[0], row[1], row[3], row[6]) == (
        "Jonas Berg",
        "forælder",
        "Strandgade 3, 1401 København K, Danmark",
        "ja",
    )
    card = next(vobject.readComponents(danish.attachment(".vcf")))
    assert card.note.value.startswith("Forælder, født 2015.\n")
    assert card.adr.value.country == "Danmark"
    assert attachment_names(danish) == [
        "kontaktliste-v1.csv",
        "kontaktliste-v1.vcf",
        "kontaktliste-v1.xlsx",
    ]

    [english] = list_emails(mailoutbox, to=jonas.email)
    assert english.subject == "Welcome to the Alström syndrome group: your contact list"
    text = english.text()
    assert text.startswith("Dear Jonas Berg,")
    assert "You are never obliged to contact anyone, or to answer." in text
    assert "2 members, version 1:" in text
    assert "[NEW] Jonas Berg" in text
    assert "Parent, born 2015" in text
    assert "Phone: +45 20 12 34 56" in text
    assert "8000 Aarhus C\n  Denmark" in text
    heading, row, _other = csv_rows(english)
    assert heading == ["Name", "Relationship", "Birth year", "Address", "Phone", "Email", "New"]
    assert (row[1], row[3], row[6]) == ("parent", "Strandgade 3, 1401 København K, Denmark", "yes")
    card = next(vobject.readComponents(english.attachment(".vcf")))
    assert card.note.value.startswith("Parent, born 2015.\n")
    assert attachment_names(english) == [
        "contact-list-v1.csv",
        "contact-list-v1.vcf",
        "contact-list-v1.xlsx",
    ]

    # An update, too, reaches each of them in their own language.
    mailoutbox.clear()
    with after_commit():
        join("Freja Christensen", alstrom, secretariat)

    [danish] = list_emails(mailoutbox, to=mette.email)
    assert danish.subject == "Opdateret kontaktliste for Alström syndrome (version 2)"
    assert "Der er 1 ny på listen, markeret NY." in danish.text()
    [english] = list_emails(mailoutbox, to=jonas.email)
    assert english.subject == "Updated contact list for Alström syndrome (version 2)"
    assert "There is 1 new entry, marked NEW." in english.text()


def test_a_swedish_member_gets_the_list_in_swedish_and_a_norwegian_one_in_norwegian(
    alstrom, secretariat, send_lists, after_commit, mailoutbox
):
    ingrid = join("Ingrid Lund", alstrom, secretariat)
    aud = join("Aud Hansen", alstrom, secretariat)
    Person.objects.filter(pk=ingrid.pk).update(language="sv", share_birth_year=True)
    Person.objects.filter(pk=aud.pk).update(language="nb", share_birth_year=True)
    send_lists()

    [swedish] = list_emails(mailoutbox, to=ingrid.email)
    assert swedish.subject == "Välkommen till gruppen Alström syndrome: din kontaktlista"
    text = swedish.text()
    assert text.startswith("Hej Ingrid Lund!")
    assert "Du är nu medlem i gruppen Alström syndrome" in text
    assert "Du är aldrig skyldig att kontakta någon eller att svara." in text
    assert "2 medlemmar, version 1:" in text
    assert "[NY] Aud Hansen" in text
    assert "Förälder, född 2015" in text
    assert "5003 Bergen\n  Norge" in text
    assert "Vänliga hälsningar" in text
    heading, _row, _other = csv_rows(swedish, ";")
    assert heading == ["Namn", "Anknytning", "Födelseår", "Adress", "Telefon", "E-post", "Ny"]
    assert attachment_names(swedish) == [
        "kontaktlista-v1.csv",
        "kontaktlista-v1.vcf",
        "kontaktlista-v1.xlsx",
    ]

    [norwegian] = list_emails(mailoutbox, to=aud.email)
    assert norwegian.subject == "Velkommen til gruppen Alström syndrome: kontaktlisten din"
    text = norwegian.text()
    assert text.startswith("Hei Aud Hansen!")
    assert "Du er nå medlem av gruppen Alström syndrome" in text
    assert "Du har aldri plikt til å kontakte noen eller å svare." in text
    assert "2 medlemmer, versjon 1:" in text
    assert "Forelder, født 2015" in text
    assert "41138 Göteborg\n  Sverige" in text
    assert "Vennlig hilsen" in text
    heading, _row, _other = csv_rows(norwegian, ";")
    assert heading == ["Navn", "Tilknytning", "Fødselsår", "Adresse", "Telefon", "E-post", "Ny"]
    assert attachment_names(norwegian) == [
        "kontaktliste-v1.csv",
        "kontaktliste-v1.vcf",
        "kontaktliste-v1.xlsx",
    ]

    # An update, too, reaches each of them in their own language.
    mailoutbox.clear()
    with after_commit():
        join("Lars Eriksen", alstrom, secretariat)

    [swedish] = list_emails(mailoutbox, to=ingrid.email)
    assert swedish.subject == "Uppdaterad kontaktlista för Alström syndrome (version 2)"
    assert "Det finns 1 ny på listan, markerad NY." in swedish.text()
    [norwegian] = list_emails(mailoutbox, to=aud.email)
    assert norwegian.subject == "Oppdatert kontaktliste for Alström syndrome (versjon 2)"
    assert "Det er 1 ny på listen, merket NY." in norwegian.text()
