"""The contact list email: the list in the body (text and HTML), with CSV and vCard files.

Everything all recipients share (the list, the attachments) is rendered and serialised
once per language (`splicing`): only the greeting and the headers are made per recipient.
"""

from __future__ import annotations

import csv
import io
import time
import uuid
from dataclasses import dataclass
from email.mime.base import MIMEBase
from functools import cache

import phonenumbers
import vobject
from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django_countries import countries

from members.models import Membership, Relationship
from misuse import services as misuse
from outbox import emails
from outbox.composers import Withdrawn
from outbox.models import OutgoingEmail

from .models import ContactList, Delivery
from .splicing import SharedParts, SplicedEmail


@dataclass
class LanguageParts:
    """What every recipient who reads one language shares."""

    new_count: int
    shared: SharedParts


def display_members(entries: list[dict]) -> list[dict]:
    """Entries as a reader sees them, in the active language."""
    shown = []
    for entry in entries:
        address = entry["address"]
        shown.append(
            {
                **entry,
                "relationship_label": Relationship(entry["relationship"]).label
                if entry["relationship"]
                else "",
                "about": _about(entry),
                "address_lines": [
                    address["street_address"],
                    f"{address['postal_code']} {address['city']}",
                    str(countries.name(address["country"])),
                ]
                if address
                else [],
                "phone_display": _format_phone(entry["phone"]),
            }
        )
    return shown


def _about(entry: dict) -> str:
    """The relationship and birth year, as far as the member shares them."""
    parts = []
    if entry["relationship"]:
        parts.append(str(Relationship(entry["relationship"]).label))
    if entry["birth_year"]:
        parts.append(_("born %(year)s") % {"year": entry["birth_year"]})
    return ", ".join(parts)


def _format_phone(phone: str) -> str:
    if not phone:
        return ""
    return phonenumbers.format_number(
        phonenumbers.parse(phone), phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )


# A spreadsheet program reads a cell that starts with one of these as a formula (OWASP's
# list): a name typed as =HYPERLINK(...) or =cmd|' /C calc'!A0 would come alive in the
# spreadsheet of every member of the group.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(value: object) -> str:
    """A CSV cell that spreadsheets show as text and never run: one that would start a
    formula gets a leading apostrophe, as OWASP advises. Every cell is treated alike, phone
    numbers too: '+45 20 12 34 56 keeps its + and country code, and reads as text instead
    of a broken formula (some programs hide the apostrophe, others show it)."""
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def spreadsheet_rows(members: list[dict]) -> list[list[str]]:
    """The list as a spreadsheet shows it, in the active language: a heading, then one row
    per member, every cell text."""
    rows = [
        [
            _("Name"),
            _("Relationship"),
            _("Birth year"),
            _("Address"),
            _("Phone"),
            _("Email"),
            _("New"),
        ]
    ]
    for member in members:
        rows.append(
            [
                member["full_name"],
                member["relationship_label"],
                member["birth_year"] or "",
                ", ".join(member["address_lines"]),
                member["phone_display"],
                member["email"],
                _("yes") if member.get("is_new") else "",
            ]
        )
    return [[str(cell) for cell in row] for row in rows]


# Spreadsheet programs split a double-clicked CSV file at the list separator of the
# system's region, and in Danish, Swedish, Norwegian and Finnish settings that is the
# semicolon (the comma is the decimal mark): a comma file opens there in one column. Excel
# and LibreOffice follow the region; the Excel-only "sep=;" first line is left out, as
# LibreOffice and Numbers would show it as a row of the list.
SEMICOLON_LANGUAGES = frozenset({"da", "sv", "nb", "fi"})


def csv_delimiter(language: str) -> str:
    """The list separator of the spreadsheet programs of readers of `language`."""
    return ";" if language in SEMICOLON_LANGUAGES else ","


def members_csv(members: list[dict], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    for row in spreadsheet_rows(members):
        writer.writerow([spreadsheet_text(cell) for cell in row])
    return out.getvalue()


def members_xlsx(members: list[dict]) -> bytes:
    """The list as an Excel workbook, which opens in columns whatever the reader's region.
    Every cell is a text cell (type "s"): nothing in it is read as a number, a date or a
    formula. A cell that would start a formula is marked as Excel marks text typed after
    an apostrophe (quotePrefix), so that it stays text even when a reader edits it, and
    shows no apostrophe."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = _("Contact list")[:31]
    for row_number, row in enumerate(spreadsheet_rows(members), start=1):
        for column, text in enumerate(row, start=1):
            cell = sheet.cell(row=row_number, column=column)
            cell.value = text
            # openpyxl itself would make a formula of a text that starts with "=".
            cell.data_type = "s"
            if text.startswith(FORMULA_STARTS):
                cell.quotePrefix = True
            if row_number == 1:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for letter, width in zip("ABCDEFG", (28, 18, 10, 44, 20, 32, 6), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _e164(phone: str) -> str:
    """A phone number as phones store it: + and country code, no spaces (E.164)."""
    return phonenumbers.format_number(
        phonenumbers.parse(phone), phonenumbers.PhoneNumberFormat.E164
    )


def members_vcard(members: list[dict], *, group_name: str, version: int) -> str:
    """Contact cards (vCard 3.0, which every common contacts app imports), in the active
    language. Each card has the group's name as its category, what phones group and
    search contacts by, and a note saying which network and list version it came from."""
    source = _("From the %(group)s contact list of %(network)s, version %(version)s.") % {
        "group": group_name,
        "network": settings.NETWORK_NAME,
        "version": version,
    }
    cards = []
    for member in members:
        card = vobject.vCard()
        card.add("fn").value = member["full_name"]
        given, _sep, family = member["full_name"].rpartition(" ")
        card.add("n").value = vobject.vcard.Name(family=family, given=given)
        if member["email"]:
            email = card.add("email")
            email.value = member["email"]
            email.type_param = "INTERNET"
        if member["phone"]:
            card.add("tel").value = _e164(member["phone"])
        if member["address"]:
            address = member["address"]
            card.add("adr").value = vobject.vcard.Address(
                street=address["street_address"],
                code=address["postal_code"],
                city=address["city"],
                country=str(countries.name(address["country"])),
            )
        card.add("categories").value = [group_name]
        about = f"{member['about'][:1].upper()}{member['about'][1:]}." if member["about"] else ""
        card.add("note").value = f"{about}\n{source}" if about else source
        cards.append(card.serialize())
    return "".join(cards)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def list_filename(contact_list: ContactList) -> str:
    """The name the list's files have, in the active language, without extension."""
    # Outside an f-string, where makemessages finds it.
    name = _("contact-list")
    return f"{name}-v{contact_list.version}"


def list_files(
    contact_list: ContactList, members: list[dict], language: str
) -> list[tuple[str, str | bytes, str]]:
    """The list as files, in the active language, as (filename, content, mimetype): a CSV
    split as the reader's spreadsheet program splits it (with a byte-order mark, so that it
    is read as UTF-8), the same as an Excel workbook, and contact cards."""
    filename = list_filename(contact_list)
    csv_text = "\ufeff" + members_csv(members, csv_delimiter(language))
    vcard = members_vcard(members, group_name=contact_list.group.name, version=contact_list.version)
    return [
        (f"{filename}.csv", csv_text, "text/csv"),
        (f"{filename}.xlsx", members_xlsx(members), XLSX),
        (f"{filename}.vcf", vcard, "text/vcard"),
    ]


def mime_attachments(attachments: list[tuple[str, str | bytes, str]]) -> list[MIMEBase]:
    """The MIME parts Django makes of these (filename, content, mimetype) attachments."""
    return list(EmailMessage(attachments=attachments).message().get_payload())


class ContactListMessages:
    """Builds the email of one contact list version for each of its recipients."""

    def __init__(self, contact_list: ContactList):
        self.contact_list = contact_list
        self.group_name = contact_list.group.name
        self.report_token = misuse.report_token(contact_list.group)
        self._parts = cache(self._render_parts)

    def _render_parts(self, language: str) -> LanguageParts:
        with translation.override(language):
            members = display_members(self.contact_list.entries)
            context = {"members": members}
            return LanguageParts(
                new_count=sum(1 for member in members if member.get("is_new")),
                shared=SharedParts(
                    text=emails.render_text("emails/contact_list_members.txt", context),
                    html=render_to_string("emails/contact_list_members.html", context),
                    attachments=mime_attachments(list_files(self.contact_list, members, language)),
                ),
            )

    def message_for(self, delivery: Delivery, to: str) -> SplicedEmail:
        person = delivery.person
        parts = self._parts(person.language)
        shared = parts.shared
        rendered = emails.render(
            "contact_list",
            {
                "person": person,
                "group_name": self.group_name,
                "version": self.contact_list.version,
                "is_welcome": delivery.is_welcome,
                "member_count": len(self.contact_list.entries),
                "new_count": parts.new_count,
                # Many members are alone in their group for years: the welcome says so
                # kindly, and the first list with someone else on it says so warmly.
                "is_alone": len(self.contact_list.entries) == 1,
                "no_longer_alone": not delivery.is_welcome
                and parts.new_count > 0
                and len(self.contact_list.entries) - parts.new_count == 1,
                "report_token": self.report_token,
                "members_text": mark_safe(shared.text.stand_in),  # noqa: S308 (a token: nothing to escape)
                "members_html": mark_safe(shared.html.stand_in),  # noqa: S308 (a token: nothing to escape)
            },
            person.language,
        )
        return SplicedEmail(emails.message(rendered, to), shared)


# Who is still a member of the group is read again when it is older than this: a member
# who has just left is not sent the list, and one query per message would cost the
# fan-out more than the sending itself (bench/README.md).
MEMBERS_FRESH_FOR = 1.0


class ContactListComposer:
    """Writes each member's copy of a contact list version as the outbox sends it
    (registered for the outbox kind "contact_list" in apps.py). The version's shared parts,
    its deliveries and its recipients are read once per composer, that is once per sender
    of the batch; who is still a member, every MEMBERS_FRESH_FOR seconds."""

    def __init__(self) -> None:
        self._messages: dict[int, ContactListMessages] = {}
        self._deliveries: dict[int, Delivery] = {}
        self._members: dict[int, tuple[float, set[int]]] = {}

    def _delivery(self, email: OutgoingEmail) -> Delivery:
        if email.pk not in self._deliveries:
            contact_list_id = Delivery.objects.values_list("contact_list_id", flat=True).get(
                email=email
            )
            self._deliveries.update(
                (delivery.email_id, delivery)
                for delivery in Delivery.objects.select_related("person").filter(
                    contact_list_id=contact_list_id
                )
                # A delivery by post has no email to compose.
                if delivery.email_id is not None
            )
            contact_list = ContactList.objects.select_related("group").get(pk=contact_list_id)
            self._messages[contact_list_id] = ContactListMessages(contact_list)
        return self._deliveries[email.pk]

    def _still_members(self, group_id: int) -> set[int]:
        read_at, members = self._members.get(group_id, (-MEMBERS_FRESH_FOR, set()))
        if time.monotonic() - read_at >= MEMBERS_FRESH_FOR:
            active = Membership.objects.on_lists().filter(group_id=group_id)
            members = set(active.values_list("person_id", flat=True))
            self._members[group_id] = (time.monotonic(), members)
        return members

    def message(self, email: OutgoingEmail) -> EmailMessage:
        delivery = self._delivery(email)
        messages = self._messages[delivery.contact_list_id]
        if delivery.person_id not in self._still_members(messages.contact_list.group_id):
            raise Withdrawn(_("The recipient is no longer a member of the group."))
        return messages.message_for(delivery, email.recipient)

    def refuse_resend(self, email: OutgoingEmail) -> str | None:
        """Only the group's current list, and only to a current member: a list must
        never reach someone who has left, nor carry someone who has."""
        delivery = (
            Delivery.objects.select_related("contact_list")
            .defer("contact_list__entries")
            .get(email=email)
        )
        still_member = (
            Membership.objects.on_lists()
            .filter(group_id=delivery.contact_list.group_id, person_id=delivery.person_id)
            .exists()
        )
        newer = ContactList.objects.filter(
            group_id=delivery.contact_list.group_id, version__gt=delivery.contact_list.version
        )
        if newer.exists():
            return _("A newer version of this list exists; send that one instead.")
        if not still_member:
            return _("The recipient is no longer a member of the group.")
        return None


def member_of(email: OutgoingEmail) -> tuple[str, uuid.UUID] | None:
    """The member a contact list email went to, for the access log (registered with the
    outbox in apps.py); None once the member is erased."""
    pseudonym = (
        Delivery.objects.filter(email=email).values_list("person__pseudonym", flat=True).first()
    )
    return None if pseudonym is None else ("person", pseudonym)
