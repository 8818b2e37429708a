"""Helpers for the contact-list tests: members with details of their own, the work that a
commit starts, and the list emails read as their recipients receive them."""

from __future__ import annotations

import email
import email.policy
import io
from functools import partial

import openpyxl
import pytest

from contactlists.models import ContactList, GroupChange
from contactlists.tasks import build_contact_list_task
from diagnoses.models import DiagnosisGroup
from members.models import Person

from ..conftest import admit
from ..stack import Received

# Each member has a phone, street and town of their own, so that a test can tell
# whose details an email carries.
DETAILS = {
    "Mette Holm": ("+4520123456", "Skovvej 12", "8000", "Aarhus C", "DK"),
    "Jonas Berg": ("+4531234567", "Strandgade 3", "1401", "København K", "DK"),
    "Ingrid Lund": ("+46701234567", "Storgatan 8", "41138", "Göteborg", "SE"),
    "Freja Christensen": ("+4528765432", "Algade 10", "4000", "Roskilde", "DK"),
    "Aud Hansen": ("+4741234567", "Fjordveien 5", "5003", "Bergen", "NO"),
    "Lars Eriksen": ("+4792345678", "Kirkegata 21", "0153", "Oslo", "NO"),
}


def join(name: str, diagnosis, by) -> Person:
    """Admit a member through the real flow, with the details DETAILS gives them."""
    phone, street, postal_code, city, country = DETAILS[name]
    person = admit(name, diagnosis, by, phone=phone, country=country).person
    Person.objects.filter(pk=person.pk).update(
        street_address=street, postal_code=postal_code, city=city
    )
    person.refresh_from_db()
    return person


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """A block whose commits start their work, run at the end of the block as a worker would
    run it: the contact list built, then sent."""
    return partial(django_capture_on_commit_callbacks, execute=True)


@pytest.fixture
def send_lists(after_commit):
    """Build and send the lists of every group with pending changes, as the tasks that
    the commits started would."""

    def run() -> None:
        with after_commit():
            for group_id in set(GroupChange.objects.pending().values_list("group_id", flat=True)):
                build_contact_list_task.delay(group_id)

    return run


def received(message) -> Received:
    """An email from the outbox as it reaches the recipient: serialised and parsed again."""
    parsed = email.message_from_bytes(message.message().as_bytes(), policy=email.policy.compat32)
    return Received(message.from_email, message.recipients(), parsed)


def list_emails(outbox, to: str | None = None) -> list[Received]:
    """The contact-list emails in the outbox (the ones with the list attached), to one address."""
    mails = [received(message) for message in outbox]
    return [
        mail
        for mail in mails
        if any((part.get_filename() or "").endswith(".vcf") for part in mail.message.walk())
        and (to is None or to in mail.recipients)
    ]


def raw_attachment(mail: Received, suffix: str) -> bytes:
    for part in mail.message.walk():
        if (part.get_filename() or "").endswith(suffix):
            return part.get_payload(decode=True)
    raise KeyError(suffix)


def xlsx_cells(mail: Received) -> list[list]:
    """The cells of the Excel attachment's sheet, row by row, as openpyxl reads them."""
    workbook = openpyxl.load_workbook(io.BytesIO(raw_attachment(mail, ".xlsx")))
    return [list(row) for row in workbook.active.iter_rows()]


def xlsx_text(mail: Received) -> str:
    return "\n".join("\t".join(str(cell.value or "") for cell in row) for row in xlsx_cells(mail))


def everything_in(mail: Received) -> str:
    """All a recipient can read in the email: text, HTML and both attachments."""
    return "\n".join([mail.text(), mail.html(), mail.attachment(".csv"), mail.attachment(".vcf")])


def group_of(person: Person) -> DiagnosisGroup:
    return DiagnosisGroup.objects.get(memberships__person=person, memberships__left_at=None)


def latest_list(group: DiagnosisGroup) -> ContactList | None:
    return group.contact_lists.order_by("-version").first()
