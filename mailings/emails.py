"""The mailing email, written in each recipient's language as the outbox sends it, with
its unsubscribe link and the RFC 8058 headers; and the online group's invitation."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from members.consents import ConsentKind
from members.models import Person
from outbox import emails
from outbox.composers import Withdrawn
from outbox.models import OutgoingEmail

from .models import Mailing, MailingRecipient


def render_mailing(
    mailing: Mailing, language: str, person: Person | None, unsubscribe_url: str | None
) -> emails.RenderedEmail:
    """The mailing in `language` (the default language's text where that one is empty).
    Without a person and link, it is a test: the footer says where the link will be."""
    return emails.render(
        "mailing",
        {
            "subject": mailing.subject(language),
            "body": mailing.body(language),
            "person": person,
            "unsubscribe_url": unsubscribe_url,
        },
        language,
    )


def render_online_group_invitation(person: Person) -> emails.RenderedEmail:
    return emails.render(
        "online_group_invitation",
        {"person": person, "group_url": settings.NETWORK_ONLINE_GROUP_URL},
        person.language,
    )


def unsubscribe_headers(url: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058: mail programs offer an unsubscribe button that POSTs
    "List-Unsubscribe=One-Click" to the link, without opening a page."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


class MailingComposer:
    """Writes a member's copy of a mailing as it is sent (registered for the outbox kind
    "mailing" in apps.py), after asking once more whether they still consent."""

    def __init__(self) -> None:
        self._mailings: dict[int, Mailing] = {}

    def _recipient(self, email: OutgoingEmail) -> MailingRecipient | None:
        return MailingRecipient.objects.select_related("person").filter(email=email).first()

    def message(self, email: OutgoingEmail) -> EmailMessage:
        from .services import receives_mailings, unsubscribe_url

        recipient = self._recipient(email)
        if recipient is None:
            raise Withdrawn(_("The recipient has left the network."))
        person = recipient.person
        if not receives_mailings(person):
            raise Withdrawn(_("The recipient withdrew their consent to mailings."))
        if recipient.mailing_id not in self._mailings:
            self._mailings[recipient.mailing_id] = Mailing.objects.get(pk=recipient.mailing_id)
        url = unsubscribe_url(person)
        written = render_mailing(self._mailings[recipient.mailing_id], person.language, person, url)
        message = emails.message(written, email.recipient)
        message.extra_headers.update(unsubscribe_headers(url))
        return message

    def refuse_resend(self, email: OutgoingEmail) -> str | None:
        recipient = self._recipient(email)
        if recipient is None:
            return _("The recipient has left the network.")
        consenting = Person.objects.with_consent(ConsentKind.MAILINGS).filter(
            pk=recipient.person_id
        )
        if not consenting.exists():
            return _("The recipient withdrew their consent to mailings.")
        return None


def recipient_of(email: OutgoingEmail) -> tuple[str, uuid.UUID] | None:
    """The member a mailing went to, for the access log; None once they are erased."""
    pseudonym = (
        MailingRecipient.objects.filter(email=email)
        .values_list("person__pseudonym", flat=True)
        .first()
    )
    return None if pseudonym is None else ("person", pseudonym)
