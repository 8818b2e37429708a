"""Reading a spreadsheet as text: an xlsx workbook's first sheet, or a CSV file.

Every cell is read as the text it holds: a formula is read as its own text ("=SUM(A1:A3)"),
never worked out, and no macro or link in the workbook is followed.
"""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from .columns import is_known_header

# A secretariat's members sheet is well under a megabyte; far larger is another file.
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
MAX_COLUMNS = 60
MAX_CELL_LENGTH = 1000

# The apostrophe an export (or a spreadsheet program) puts before a cell that would
# otherwise start a formula; it is not part of the value.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


class UnreadableFile(Exception):
    """The file cannot be read as a members spreadsheet; the message says why, to staff."""


@dataclass
class Sheet:
    headers: list[str]
    # (row number as the spreadsheet shows it, cells)
    rows: list[tuple[int, list[str]]]


def read_sheet(data: bytes) -> Sheet:
    """The header row and the rows below it, every cell as text."""
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile(
            _("The file is %(size)d MB; a members spreadsheet is at most %(limit)d MB.")
            % {"size": len(data) // (1024 * 1024), "limit": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if data.startswith(b"PK\x03\x04"):
        numbered = _xlsx_rows(data)
    elif data.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile(
            _("This is an old Excel file (.xls). Save it as .xlsx or CSV and upload that.")
        )
    else:
        numbered = _csv_rows(data)
    return _with_header(numbered)


def _xlsx_rows(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        # data_only=False: a formula cell gives its formula as text, not a value computed
        # by whoever saved the file last.
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        sheet = book.worksheets[0]
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_ROWS + 1:
                raise UnreadableFile(_too_many_rows())
            rows.append((number, [_cell_text(value) for value in values[:MAX_COLUMNS]]))
        book.close()
        return rows
    except UnreadableFile:
        raise
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError):
        raise UnreadableFile(
            _(
                "This file could not be read as an Excel workbook (.xlsx). Save it again as "
                ".xlsx or CSV."
            )
        ) from None


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _csv_rows(data: bytes) -> list[tuple[int, list[str]]]:
    if b"\x00" in data[:4096]:
        raise UnreadableFile(_("This is not a spreadsheet: upload an .xlsx or a CSV file."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # What Excel in Denmark saves as "CSV" without "UTF-8".
        text = data.decode("cp1252", errors="replace")
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    rows = []
    try:
        for number, cells in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            if number > MAX_ROWS + 1:
                raise UnreadableFile(_too_many_rows())
            rows.append((number, cells[:MAX_COLUMNS]))
    except csv.Error:
        raise UnreadableFile(
            _("This file could not be read as CSV. Save it again as .xlsx or CSV.")
        ) from None
    return rows


def _too_many_rows() -> str:
    return _("The file has more than %(limit)d rows; split it into smaller files.") % {
        "limit": MAX_ROWS
    }


def _clean(cell: str) -> str:
    cell = cell.strip()[:MAX_CELL_LENGTH]
    if cell.startswith("'") and cell[1:2] and cell[1:].startswith(FORMULA_STARTS):
        return cell[1:]
    return cell


def _with_header(numbered: list[tuple[int, list[str]]]) -> Sheet:
    rows = [(number, [_clean(cell) for cell in cells]) for number, cells in numbered]
    header_at = next((i for i, (_n, cells) in enumerate(rows) if any(cells)), None)
    if header_at is None:
        raise UnreadableFile(_("The file is empty."))
    header_cells = rows[header_at][1]
    if not any(is_known_header(cell) for cell in header_cells) and _looks_like_data(header_cells):
        raise UnreadableFile(
            _(
                "The first row holds data, not column names. Add a row at the top naming "
                "each column (Name, Email, Phone, ...) and upload the file again."
            )
        )
    width = max(len(cells) for _n, cells in rows)
    while width and not any(len(cells) >= width and cells[width - 1] for _n, cells in rows):
        width -= 1
    headers: list[str] = []
    for index in range(width):
        header = header_cells[index] if index < len(header_cells) else ""
        header = header or _("Column %(letter)s") % {"letter": get_column_letter(index + 1)}
        while header in headers:
            header += "'"
        headers.append(header)
    body = [(number, (cells + [""] * width)[:width]) for number, cells in rows[header_at + 1 :]]
    return Sheet(headers, body)


def _looks_like_data(cells: list[str]) -> bool:
    """Whether a row reads as a person rather than as column names: an email address, or a
    number such as a phone or a postal code."""
    return any("@" in cell or sum(ch.isdigit() for ch in cell) >= 4 for cell in cells)
