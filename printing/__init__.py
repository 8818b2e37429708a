"""The PDFs the network prints (letters to members who receive lists by post, the meetup's
name badges) are made with fpdf2 in DejaVu Sans, vendored in fonts/ with its licence, so
that æ, ø, å, ö and the names of members from anywhere print as typed, whatever fonts the
server has. One copy, below every app that prints."""

from __future__ import annotations

import logging
from pathlib import Path

from fpdf import FPDF

FAMILY = "DejaVu"
FONTS = Path(__file__).resolve().parent / "fonts"

# fpdf2 subsets the fonts with fontTools, which logs every glyph table it touches at INFO.
logging.getLogger("fontTools").setLevel(logging.WARNING)


def add_unicode_fonts(pdf: FPDF) -> None:
    """DejaVu Sans, regular and bold, as the family FAMILY."""
    pdf.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
    pdf.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
