"""A name is written as its owner typed it: in the plain text of the list, in the subject and
in the attachments it is Siobhán O'Connor, not Siobhán O&#x27;Connor; only the HTML part
escapes it, for the mail program to show the same name."""

from __future__ import annotations

import csv
import io
from html import unescape

import vobject

from diagnoses.models import DiagnosisGroup
from members.models import Person

from .conftest import group_of, join, list_emails


def test_an_apostrophe_and_an_ampersand_read_the_same_in_every_part_of_the_list(
    alstrom, secretariat, send_lists, mailoutbox
):
    siobhan = join("Mette Holm", alstrom, secretariat)
    Person.objects.filter(pk=siobhan.pk).update(full_name="Siobhán O'Connor", language="en")
    DiagnosisGroup.objects.filter(pk=group_of(siobhan).pk).update(name="Alström & Bardet")
    send_lists()

    [mail] = list_emails(mailoutbox)
    assert mail.subject == "Welcome to the Alström & Bardet group: your contact list"
    text = mail.text()
    assert text.startswith("Dear Siobhán O'Connor,")
    assert "member of the Alström & Bardet group" in text
    assert "[NEW] Siobhán O'Connor\n  Parent" in text
    assert "&#x27;" not in text and "&amp;" not in text
    html = mail.html()
    assert "Siobhán O&#x27;Connor" in html and "Alström &amp; Bardet" in html
    assert "Dear Siobhán O'Connor," in unescape(html)
    [_heading, row] = list(csv.reader(io.StringIO(mail.attachment(".csv"))))
    assert row[0] == "Siobhán O'Connor"
    [card] = list(vobject.readComponents(mail.attachment(".vcf")))
    assert card.fn.value == "Siobhán O'Connor"
