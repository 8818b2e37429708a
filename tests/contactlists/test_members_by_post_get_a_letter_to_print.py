"""Some members, often older relatives, read no email: the network posts them the list, as it
did before email. Each new version puts a letter for them in the print queue in admin (a PDF
in their language, with the network's address and the whole list); staff download the
letters, post them and mark them posted; the group's deliveries show them as by post. Their
details still go to the group, and everyone else gets the email as before."""

from __future__ import annotations

import re

from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from accesslog.models import AccessRecord, Action
from contactlists.letters import letters_pdf
from contactlists.models import Delivery, Letter
from members.models import Person

from .conftest import group_of, join, latest_list, list_emails
from .pdf_text import pdf_text

LETTERS = "admin:contactlists_letter_changelist"


def test_a_member_by_post_gets_a_letter_in_their_language_and_the_others_the_email(
    alstrom, secretariat, send_lists, after_commit, mailoutbox, settings, client
):
    settings.NETWORK_CONTROLLER_NAME = "Kontaktnetværket for sjældne diagnoser"
    settings.NETWORK_CONTROLLER_ADDRESS = "Postboks 12, 8000 Aarhus C, Danmark"
    mette = join("Mette Holm", alstrom, secretariat)
    jonas = join("Jonas Berg", alstrom, secretariat)
    ingrid = join("Ingrid Lund", alstrom, secretariat)
    # She has an email address, but does not read it: the list goes by post only.
    Person.objects.filter(pk=ingrid.pk).update(
        receives_lists_by_post=True, language="sv", share_birth_year=True
    )
    send_lists()

    mails = list_emails(mailoutbox)
    assert sorted(address for mail in mails for address in mail.recipients) == sorted(
        [mette.email, jonas.email]
    )
    for mail in mails:
        # Still on the group's list like everyone else.
        assert "Ingrid Lund" in mail.text()
        assert "Storgatan 8" in mail.text()

    [letter] = Letter.objects.to_post()
    assert letter.delivery.person == ingrid
    assert letter.delivery.email is None
    assert letter.delivery.contact_list == latest_list(group_of(ingrid))

    text = pdf_text(letters_pdf([letter]))
    # The network, and the member where the envelope's window shows her address.
    assert "Kontaktnetværket for sjældne diagnoser" in text
    assert "Postboks 12" in text and "8000 Aarhus C" in text
    assert "Ingrid Lund\nStorgatan 8\n41138 Göteborg" in text
    assert "Alström syndrome" in text
    # The whole list, in Swedish.
    for name in ("Mette Holm", "Jonas Berg", "Ingrid Lund"):
        assert name in text
    assert "Telefon: +45 20 12 34 56" in text
    assert "E-post: " + jonas.email in text
    assert "1401 København K\nDanmark" in text
    assert "född" in text
    assert "Phone" not in text and "Email" not in text

    # Staff set it on the member's page in admin, see the letter in the print queue,
    # download it, post it.
    client.force_login(secretariat)
    person_page = client.get(reverse("admin:members_person_change", args=[ingrid.pk]))
    [checkbox] = re.findall(r'<input[^>]*name="receives_lists_by_post"[^>]*>', person_page.text)
    assert " checked" in checkbox
    queue = client.get(reverse(LETTERS))
    assert "Ingrid Lund" in queue.text and "Alström syndrome" in queue.text
    download = client.post(
        reverse(LETTERS), {"action": "download_letters", ACTION_CHECKBOX_NAME: [letter.pk]}
    )
    assert download["Content-Type"] == "application/pdf"
    assert "Storgatan 8" in pdf_text(download.content)
    assert AccessRecord.objects.filter(subject=ingrid.pseudonym, action=Action.EXPORTED).exists()
    client.post(reverse(LETTERS), {"action": "mark_posted", ACTION_CHECKBOX_NAME: [letter.pk]})
    letter.refresh_from_db()
    assert letter.posted_at is not None and letter.posted_by == secretariat
    assert not Letter.objects.to_post().exists()
    contact_list_page = client.get(
        reverse("admin:contactlists_contactlist_change", args=[letter.delivery.contact_list_id])
    )
    assert "by post: posted" in contact_list_page.text

    # The next version: a new letter, the others an email.
    mailoutbox.clear()
    with after_commit():
        freja = join("Freja Christensen", alstrom, secretariat)
    assert len(list_emails(mailoutbox)) == 3
    assert ingrid.email not in [address for mail in mailoutbox for address in mail.to]
    [second] = Letter.objects.to_post()
    assert second.delivery.contact_list.version == 2
    assert "Freja Christensen" in pdf_text(letters_pdf([second]))
    assert Delivery.objects.filter(person=freja, letter__isnull=True).count() == 1


def test_a_letter_not_yet_posted_is_replaced_by_the_next_version(
    alstrom, secretariat, send_lists, after_commit
):
    join("Mette Holm", alstrom, secretariat)
    aud = join("Aud Hansen", alstrom, secretariat)
    Person.objects.filter(pk=aud.pk).update(receives_lists_by_post=True, language="nb")
    send_lists()
    [first] = Letter.objects.to_post()

    with after_commit():
        join("Lars Eriksen", alstrom, secretariat)

    # The first named only two members: it leaves the queue, and the new one is printed.
    [second] = Letter.objects.to_post()
    first.refresh_from_db()
    assert first.superseded_at is not None and first.posted_at is None
    assert second.delivery.contact_list.version == 2
    text = pdf_text(letters_pdf([second]))
    assert "Lars Eriksen" in text and "Telefon" in text
