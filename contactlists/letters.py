"""The contact list on paper, for members who receive lists by post.

A letter is made when staff download it, from the version's stored entries, in the member's
language: the network's name and address, the member's name and postal address where the
window of a C5 or DL envelope shows it (DIN 5008 / SS 630010: 20 mm from the left, from 45 mm
down), the date, the group and version, and then the whole list, in the fonts of
`printing`.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django_countries import countries
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from printing import FAMILY, add_unicode_fonts

from .emails import display_members
from .models import Letter

# A4 in millimetres, with the margins of a business letter.
LEFT = 20
RIGHT = 20
WIDTH = 210 - LEFT - RIGHT
# The envelope window: the address block starts here and fits within 40 mm by 85 mm.
WINDOW_TOP = 50


class LetterPDF(FPDF):
    """Pages whose footer names the letter and its page, counted from the letter's first
    page: a stack of printed letters sorts back into letters."""

    def __init__(self) -> None:
        super().__init__(format="A4", unit="mm")
        add_unicode_fonts(self)
        self.set_margins(LEFT, 20, RIGHT)
        self.set_auto_page_break(True, margin=20)
        self.footer_text = ""
        self.first_page = 1

    def paragraph(self, width: float, height: float, text: str) -> None:
        """Text from the left, wrapped within `width`; the next one starts below it."""
        self.multi_cell(width, height, text, new_x=XPos.LMARGIN, new_y=YPos.NEXT, align="L")

    def footer(self) -> None:
        self.set_y(-14)
        self.set_font(FAMILY, "", 8)
        page = _("page %(number)s") % {"number": self.page_no() - self.first_page + 1}
        self.cell(WIDTH, 5, f"{self.footer_text} · {page}", align="C")


def letters_pdf(letters: list[Letter]) -> bytes:
    """One PDF with each letter on pages of its own, each in its member's language."""
    pdf = LetterPDF()
    pdf.set_title(str(_("Contact lists")))
    pdf.set_creator(str(settings.NETWORK_NAME))
    for letter in letters:
        with translation.override(letter.delivery.person.language):
            _write_letter(pdf, letter)
    return bytes(pdf.output())


def _write_letter(pdf: LetterPDF, letter: Letter) -> None:
    contact_list = letter.delivery.contact_list
    person = letter.delivery.person
    group = contact_list.group.name
    members = display_members(contact_list.entries)
    # The footer of the page before this letter is written when the page is added: it
    # must still name the letter before.
    pdf.add_page()
    pdf.first_page = pdf.page_no()
    pdf.footer_text = _("%(group)s, version %(version)s, to %(name)s") % {
        "group": group,
        "version": contact_list.version,
        "name": person.full_name,
    }

    # The sender, small, above the window.
    pdf.set_xy(LEFT, 18)
    pdf.set_font(FAMILY, "B", 11)
    pdf.paragraph(WIDTH, 5, str(settings.NETWORK_CONTROLLER_NAME))
    pdf.set_font(FAMILY, "", 9)
    for line in _lines(settings.NETWORK_CONTROLLER_ADDRESS):
        pdf.paragraph(WIDTH, 4.5, line)

    # The member, in the envelope window.
    pdf.set_xy(LEFT, WINDOW_TOP)
    pdf.set_font(FAMILY, "", 11)
    for line in _postal_address(person):
        pdf.paragraph(85, 5.5, line)

    # The date and version, on the right of the window.
    pdf.set_xy(125, WINDOW_TOP)
    pdf.set_font(FAMILY, "", 10)
    pdf.paragraph(65, 5, formats.date_format(timezone.localdate(), "DATE_FORMAT"))
    pdf.set_x(125)
    pdf.paragraph(65, 5, _("Version %(version)s") % {"version": contact_list.version})

    pdf.set_xy(LEFT, 100)
    pdf.set_font(FAMILY, "B", 15)
    pdf.paragraph(WIDTH, 7, _("The contact list of %(group)s") % {"group": group})
    pdf.ln(2)
    pdf.set_font(FAMILY, "", 10)
    pdf.paragraph(WIDTH, 5, _intro(letter, len(members)))
    pdf.ln(4)

    for member in members:
        # A member's entry stays on one page where it can.
        if pdf.get_y() > 297 - 20 - 30:
            pdf.add_page()
        pdf.set_font(FAMILY, "B", 11)
        name = member["full_name"]
        if member.get("is_new"):
            name = f"{name}  ({_('NEW')})"
        pdf.paragraph(WIDTH, 6, name)
        pdf.set_font(FAMILY, "", 10)
        for line in _entry_lines(member):
            pdf.paragraph(WIDTH, 5, line)
        pdf.ln(3)

    pdf.ln(2)
    pdf.set_font(FAMILY, "", 9)
    pdf.paragraph(
        WIDTH,
        4.5,
        _(
            "You are never obliged to contact anyone, or to answer. Please keep this list to "
            "yourself: the others trust you with their details, as you trust them with yours."
        ),
    )


def _lines(text: str) -> list[str]:
    """An address written on one line with commas, or on several lines."""
    separator = "\n" if "\n" in text else ","
    return [line.strip() for line in text.split(separator) if line.strip()]


def _postal_address(person) -> list[str]:
    lines = [person.full_name, person.street_address, f"{person.postal_code} {person.city}"]
    # Letters go abroad too (the network spans the Nordic countries): the country on the
    # last line, in capitals, in the language of the network's own post office (UPU).
    with translation.override(settings.LANGUAGE_CODE):
        country = str(countries.name(person.country.code)).upper()
    return [line for line in [*lines, country] if line.strip()]


def _intro(letter: Letter, count: int) -> str:
    delivery = letter.delivery
    lines = [_("Dear %(name)s,") % {"name": delivery.person.full_name}]
    if delivery.is_welcome:
        lines.append(
            _("Welcome to the %(group)s group.") % {"group": delivery.contact_list.group.name}
        )
    lines.append(
        translation.ngettext(
            "Here is version %(version)s of your group's contact list: %(count)s member.",
            "Here is version %(version)s of your group's contact list: %(count)s members.",
            count,
        )
        % {"version": delivery.contact_list.version, "count": count}
    )
    return "\n".join(lines)


def _entry_lines(member: dict) -> list[str]:
    lines = []
    if member["about"]:
        lines.append(member["about"][:1].upper() + member["about"][1:])
    lines.extend(member["address_lines"])
    if member["phone_display"]:
        lines.append(f"{_('Phone')}: {member['phone_display']}")
    if member["email"]:
        lines.append(f"{_('Email')}: {member['email']}")
    return lines
