"""The participant list (xlsx and CSV) and name badges (PDF) of a meetup, for staff.

A spreadsheet reads a cell that starts with =, +, -, @ or a tab as a formula: a name or a
note typed as =HYPERLINK(...) would come alive on the secretariat's computer. In the CSV
such a cell gets a leading apostrophe (OWASP's advice); in the xlsx every cell is written
as text, which Excel and LibreOffice never evaluate.
"""

from __future__ import annotations

import csv
import io
from typing import cast

from django.conf import settings
from django.utils.translation import gettext as _
from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.worksheet.worksheet import Worksheet

from printing import FAMILY, add_unicode_fonts

from .models import Event, Registration

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def participants(event: Event):
    """Registered first, then the waiting list in order, with their people."""
    registrations = event.registrations.select_related("person").filter(
        status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITING]
    )
    confirmed = registrations.filter(status=Registration.Status.CONFIRMED).order_by(
        "person__full_name", "pk"
    )
    return [*confirmed, *registrations.waiting()]


def header() -> list[str]:
    return [
        _("Name"),
        _("Email"),
        _("Phone"),
        _("Status"),
        _("Adults"),
        _("Children"),
        _("Dietary needs"),
        _("Accessibility needs"),
        _("Note"),
    ]


def row(registration: Registration) -> list[object]:
    person = registration.person
    return [
        person.full_name,
        person.email,
        str(person.phone),
        str(registration.get_status_display()),
        registration.adults,
        registration.children,
        registration.dietary_needs,
        registration.accessibility_needs,
        registration.note,
    ]


def csv_cell(value: object) -> str:
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def participants_csv(registrations: list[Registration]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_cell(cell) for cell in header()])
    for registration in registrations:
        writer.writerow([csv_cell(cell) for cell in row(registration)])
    return "\ufeff" + out.getvalue()


def participants_xlsx(registrations: list[Registration]) -> bytes:
    workbook = Workbook()
    sheet = cast(Worksheet, workbook.active)
    sheet.title = _("Participants")[:31]
    sheet.append(header())
    for registration in registrations:
        sheet.append(row(registration))
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, str):
                # Text, never a formula, whatever it starts with.
                cell.data_type = TYPE_STRING
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def badges_pdf(event: Event, registrations: list[Registration]) -> bytes:
    """One name badge per registered household, eight to an A4 page (two columns of four),
    with the member's name, the meetup, and how many they are."""
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    add_unicode_fonts(pdf)
    title = event.title(settings.LANGUAGE_CODE)
    width, height, margin = 90.0, 65.0, 12.0
    for index, registration in enumerate(registrations):
        if index % 8 == 0:
            pdf.add_page()
        x = margin + (index % 2) * (width + 6)
        y = margin + ((index % 8) // 2) * (height + 4)
        pdf.rect(x, y, width, height)
        pdf.set_xy(x + 4, y + 8)
        pdf.set_font(FAMILY, "B", 18)
        pdf.multi_cell(width - 8, 9, registration.person.full_name, align="C")
        pdf.set_xy(x + 4, y + height - 22)
        pdf.set_font(FAMILY, "", 10)
        pdf.multi_cell(width - 8, 5, title, align="C")
        if registration.people > 1:
            pdf.set_xy(x + 4, y + height - 10)
            pdf.cell(width - 8, 5, _("+ %(count)d") % {"count": registration.people - 1}, align="C")
    if not registrations:
        pdf.add_page()
    return bytes(pdf.output())
