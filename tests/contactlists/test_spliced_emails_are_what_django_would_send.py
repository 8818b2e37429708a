"""Each member's copy of a list is made from the recipient's own parts with the shared parts
spliced in, serialised once (contactlists/splicing.py). What goes out must be byte for byte
what Django would send for the whole email: same headers, same transfer encodings, same
text, HTML and attachments. Where that cannot hold, the email is made the ordinary way."""

from __future__ import annotations

import email
import email.policy

import pytest
from django.core.mail import EmailMultiAlternatives

from contactlists.emails import ContactListMessages
from contactlists.splicing import SharedParts, SplicedEmail, SplicedMessage
from diagnoses.models import DiagnosisGroup
from members.models import Person

from ..conftest import admit
from .conftest import group_of, latest_list

FIXED_HEADERS = {"Date": "Wed, 02 Dec 2026 18:00:00 -0000", "Message-ID": "<fixed@example.org>"}


def as_django_would_send(mail: SplicedEmail, linesep: str) -> bytes:
    """The whole email made by Django, with the boundaries the spliced copy uses."""
    whole = EmailMultiAlternatives.message(mail)
    mixed, alternative = mail.shared.boundaries
    whole.set_boundary(mixed)
    whole.get_payload(0).set_boundary(alternative)
    return whole.as_bytes(linesep=linesep)


def members(diagnosis, by, people: dict[str, str]) -> list[Person]:
    """Admitted into one group through the real flow, each reading their own language."""
    joined = []
    for name, language in people.items():
        person = admit(f"Member {Person.objects.count()}", diagnosis, by).person
        Person.objects.filter(pk=person.pk).update(full_name=name, language=language)
        joined.append(person)
    return joined


@pytest.mark.parametrize(
    ("people", "encodings"),
    [
        # Names, addresses and English words all ASCII: English copies go as 7bit, the
        # Danish and Finnish ones as 8bit ("Kære", "Forælder", "Hyvä").
        ({"John Smith": "en", "Bo Ek": "da", "Ann Lee": "en"}, {"7bit", "8bit"}),
        # Ann Lee's English greeting is ASCII, the list is not: her copy goes as 8bit.
        (
            {
                "Siobhán O'Connor": "en",
                'Bo <Ek> & "Co"': "sv",
                "Mette Søgård": "nb",
                "Ann Lee": "en",
            },
            {"8bit"},
        ),
    ],
    ids=["ascii", "letters-and-markup"],
)
def test_every_copy_is_what_django_would_send_for_the_whole_email(
    people, encodings, alstrom, secretariat, send_lists
):
    *first, last = members(alstrom, secretariat, people)
    DiagnosisGroup.objects.filter(pk=group_of(last).pk).update(name="Alstrom syndrome")
    send_lists()
    members(alstrom, secretariat, {"Ida Berg": "fi"})
    send_lists()
    contact_list = latest_list(group_of(last))
    deliveries = list(contact_list.deliveries.select_related("person"))
    assert contact_list.version == 2
    assert sorted(d.is_welcome for d in deliveries) == [False] * len(people) + [True]

    messages = ContactListMessages(contact_list)
    sent_as = set()
    for delivery in deliveries:
        mail = messages.message_for(delivery, delivery.person.email)
        mail.extra_headers.update(FIXED_HEADERS)
        spliced = mail.message()
        assert isinstance(spliced, SplicedMessage)
        for linesep in ("\r\n", "\n"):
            assert spliced.as_bytes(linesep=linesep) == as_django_would_send(mail, linesep)
        received = email.message_from_bytes(spliced.as_bytes(), policy=email.policy.default)
        sent_as.add(received.get_body(("plain",))["Content-Transfer-Encoding"])
    assert sent_as == encodings


def shared_parts(text: str) -> SharedParts:
    return SharedParts(text=text, html=f"<p>{text}</p>", attachments=[])


def outline(shared: SharedParts, greeting: str) -> EmailMultiAlternatives:
    mail = EmailMultiAlternatives(
        "Your list", f"{greeting}\n\n{shared.text.stand_in}\nBye\n", to=["a@example.org"]
    )
    mail.attach_alternative(f"<p>{greeting}</p>\n{shared.html.stand_in}\n", "text/html")
    return mail


@pytest.mark.parametrize(
    ("block", "greeting"),
    [
        # Django sends a part with a line over 998 bytes as quoted-printable.
        ("Skovvej " * 150, "Dear Bo,"),
        ("Skovvej 12", "Dear " + "Bo " * 400),
    ],
    ids=["long-line-in-the-list", "long-line-of-the-recipient"],
)
def test_an_email_that_cannot_be_spliced_as_it_is_goes_out_whole(block, greeting):
    shared = shared_parts(block)
    mail = SplicedEmail(outline(shared, greeting), shared)

    message = mail.message()

    assert not isinstance(message, SplicedMessage)
    received = email.message_from_bytes(message.as_bytes(), policy=email.policy.default)
    text = received.get_body(("plain",)).get_content()
    assert text == f"{greeting}\n\n{block}\nBye\n"
    assert received.get_body(("plain",))["Content-Transfer-Encoding"] == "quoted-printable"


def test_an_email_changed_after_it_was_made_goes_out_with_the_change():
    shared = shared_parts("Skovvej 12")
    mail = SplicedEmail(outline(shared, "Dear Bo,"), shared)
    assert isinstance(mail.message(), SplicedMessage)

    mail.attach("note.txt", "Meeting on Monday", "text/plain")

    received = email.message_from_bytes(mail.message().as_bytes(), policy=email.policy.default)
    [note] = received.iter_attachments()
    assert note.get_filename() == "note.txt"
    assert note.get_content() == "Meeting on Monday"
