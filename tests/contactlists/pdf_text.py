"""The text of a PDF that fpdf2 wrote, read back without a PDF library (none is a
dependency): the content streams decompressed, each shown string mapped back to
characters through its font's ToUnicode map, as a PDF reader's copy and paste does."""

from __future__ import annotations

import re
import zlib

OBJECT = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
# A font selection (/F1 10.00 Tf) or a string shown (( ... ) Tj).
OPERATION = re.compile(rb"/(\w+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\) Tj", re.S)
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _stream(body: bytes) -> bytes:
    match = STREAM.search(body)
    if not match:
        return b""
    data = match.group(1)
    return zlib.decompress(data) if b"/FlateDecode" in body else data


def _unescape(literal: bytes) -> bytes:
    def one(match: re.Match) -> bytes:
        escaped = match.group(1)
        if escaped[:1].isdigit():
            return bytes([int(escaped, 8)])
        return ESCAPES.get(escaped, escaped)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, literal, flags=re.S)


def _cmap(text: bytes) -> dict[int, str]:
    pairs = re.findall(
        rb"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]+)>", text.split(b"endcodespacerange")[-1]
    )
    return {
        int(code, 16): bytes.fromhex(value.decode()).decode("utf-16-be") for code, value in pairs
    }


def pdf_text(pdf: bytes) -> str:
    """Every string the pages show, in order, one per line."""
    objects = {int(number): body for number, body in OBJECT.findall(pdf)}
    fonts: dict[bytes, dict[int, str]] = {}
    for body in objects.values():
        for name, ref in re.findall(rb"/(F\d+) (\d+) 0 R", body):
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", objects[int(ref)])
            if to_unicode:
                fonts[name] = _cmap(_stream(objects[int(to_unicode.group(1))]))
    lines = []
    for page in re.findall(rb"/Contents (\d+) 0 R", pdf):
        content = _stream(objects[int(page)])
        font: dict[int, str] = {}
        for name, shown in OPERATION.findall(content):
            if name:
                font = fonts.get(name, {})
                continue
            codes = _unescape(shown)
            lines.append(
                "".join(
                    font.get(int.from_bytes(codes[i : i + 2]), "") for i in range(0, len(codes), 2)
                )
            )
    return "\n".join(lines)
