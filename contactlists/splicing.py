"""Emails that many recipients share most of: shared parts serialised once, spliced into each copy.

At 10,000 members a contact list email is about 7 MB, nearly all of it the list (in the
text, in the HTML, as CSV and as vCard), the same for everyone who reads one language;
only the headers and the greeting are the recipient's own. The email package writes a
message line by line and scans all of it for a boundary, about 200 ms a copy, three
times what sending it costs. So the email package (through Django) makes each
recipient's message with a short stand-in for each shared part, and the stand-ins are
replaced by the bytes of the shared parts, serialised once per line separator.

The result is byte for byte what Django sends for the whole message
(tests/contactlists/test_spliced_emails_are_what_django_would_send.py). Where that could
not hold, a part Django would encode as quoted-printable for instance, the message is
made the ordinary way. No library does this: the email package and Django serialise a
message whole.
"""

from __future__ import annotations

import copy
import io
import re
import secrets
from email.generator import BytesGenerator
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.text import MIMEText

from django.core.mail import EmailMultiAlternatives
from django.core.mail.message import RFC5322_EMAIL_LINE_LENGTH_LIMIT, SafeMIMEMultipart

# How the email generator splits a text into the lines it writes.
NEWLINES = re.compile(r"\r\n|\r|\n")
PLAIN_TRANSFER_ENCODINGS = {"7bit", "8bit"}


def _token() -> str:
    return f"spliced-{secrets.token_hex(16)}"


def serialise(part: Message, linesep: str) -> bytes:
    """A part as the email generator writes it inside a message that Django sends."""
    out = io.BytesIO()
    BytesGenerator(out, mangle_from_=False).flatten(part, linesep=linesep)
    return out.getvalue()


class SharedText:
    """A block of a text part (plain or HTML) that many messages carry, on lines of its own."""

    def __init__(self, text: str):
        self.text = text
        # A text part is sent as 7bit or 8bit by whether its text is ASCII: the stand-in
        # is ASCII exactly when the block is, so the part is labelled the same with either.
        self.stand_in = _token() if text.isascii() else f"{_token()}\u00b7"
        # Django encodes a part with a line too long for SMTP as quoted-printable, which
        # changes every line; such a block cannot be spliced in as it is.
        self.fits = all(
            len(line.encode()) <= RFC5322_EMAIL_LINE_LENGTH_LIMIT for line in text.splitlines()
        )

    def fill(self, outline: str) -> str:
        return outline.replace(self.stand_in, self.text)

    def serialise(self, linesep: str) -> bytes:
        """What the generator writes for the block in a 7bit or 8bit part."""
        return NEWLINES.sub(linesep, self.text).encode()

    def is_alone_on_its_line(self, outline: str) -> bool:
        return outline.count(self.stand_in) == 1 and f"\n{self.stand_in}\n" in outline


class SharedParts:
    """The parts an email shares with many others: a block of its text, a block of its
    HTML and all its attachments, with the boundaries that separate them."""

    def __init__(self, text: str, html: str, attachments: list[MIMEBase]):
        self.text = SharedText(text)
        self.html = SharedText(html)
        self.attachments = attachments
        self.attachments_token = _token()
        self.attachments_stand_in = MIMEText(self.attachments_token)
        self._attachments_written: dict[str, list[bytes]] = {}
        self._serialised: dict[str, list[tuple[bytes, bytes]]] = {}
        self.boundaries = self._boundaries()

    def _boundaries(self) -> tuple[str, str]:
        """Two boundaries, for the message and for its text and HTML, that no shared part
        contains (each recipient's own parts are checked in `SplicedEmail.message`). A
        boundary holds no line break, so the parts are searched with the line separator
        of SMTP, as they will be sent."""
        contents = [
            self.text.text.encode(),
            self.html.text.encode(),
            *self._attachments_as_written("\r\n"),
        ]
        while True:
            boundaries = (f"=_{secrets.token_hex(16)}", f"=_{secrets.token_hex(16)}")
            if not any(f"--{b}".encode() in content for b in boundaries for content in contents):
                return boundaries

    def _attachments_as_written(self, linesep: str) -> list[bytes]:
        if linesep not in self._attachments_written:
            self._attachments_written[linesep] = [
                serialise(part, linesep) for part in self.attachments
            ]
        return self._attachments_written[linesep]

    def stand_ins(self) -> list[str]:
        return [self.text.stand_in, self.html.stand_in, self.attachments_token]

    def splices(self, linesep: str) -> list[tuple[bytes, bytes]]:
        """(stand-in, shared part) as they are written with `linesep`, in message order."""
        if linesep not in self._serialised:
            separator = f"{linesep}--{self.boundaries[0]}{linesep}".encode()
            self._serialised[linesep] = [
                (self.text.stand_in.encode(), self.text.serialise(linesep)),
                (self.html.stand_in.encode(), self.html.serialise(linesep)),
                (
                    serialise(self.attachments_stand_in, linesep),
                    separator.join(self._attachments_as_written(linesep)),
                ),
            ]
        return self._serialised[linesep]


class SplicedMessage:
    """A recipient's message as Django's mail backends use it: its own headers and parts,
    made by the email package, with the shared parts spliced in as it is written out."""

    def __init__(self, outline: SafeMIMEMultipart, shared: SharedParts):
        self.outline = outline
        self.shared = shared

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\n") -> bytes:
        data = self.outline.as_bytes(unixfrom=unixfrom, linesep=linesep)
        pieces, start = [], 0
        for stand_in, part in self.shared.splices(linesep):
            at = data.index(stand_in, start)
            pieces += [data[start:at], part]
            start = at + len(stand_in)
        pieces.append(data[start:])
        return b"".join(pieces)

    def get_charset(self):
        return self.outline.get_charset()


class SplicedEmail(EmailMultiAlternatives):
    """An email with a text body and one HTML alternative, each holding one block of
    `shared`, and the attachments of `shared`.

    `outline` is the email with the stand-ins in place of the blocks; this email holds
    the whole text and HTML, so it reads like any other.
    """

    def __init__(self, outline: EmailMultiAlternatives, shared: SharedParts):
        [(content, mimetype)] = outline.alternatives
        text, html = str(outline.body), str(content)
        super().__init__(
            outline.subject,
            shared.text.fill(text),
            outline.from_email,
            outline.to,
            cc=outline.cc,
            bcc=outline.bcc,
            reply_to=outline.reply_to,
            headers=outline.extra_headers,
            alternatives=[(shared.html.fill(html), mimetype)],
            attachments=shared.attachments,
        )
        self.shared = shared
        self.outline_text = text
        self.outline_html = html
        # An alternative is a (content, mimetype) pair.
        self._made = (self.body, self.alternatives[0][0], list(self.attachments))

    def _is_as_made(self) -> bool:
        """Whether the body, the HTML and the attachments are still those the outline was
        made for: an email changed since (another file attached, say) is made whole."""
        body, html, attachments = self._made
        return (
            self.body is body
            and len(self.alternatives) == 1
            and self.alternatives[0][0] is html
            and self.attachments == attachments
        )

    def message(self):
        shared = self.shared
        if not (
            self._is_as_made()
            and shared.text.fits
            and shared.html.fits
            and shared.text.is_alone_on_its_line(self.outline_text)
            and shared.html.is_alone_on_its_line(self.outline_html)
            and not any(
                f"--{boundary}" in own
                for boundary in shared.boundaries
                for own in (self.outline_text, self.outline_html)
            )
        ):
            return super().message()
        outline = copy.copy(self)
        outline.body = self.outline_text
        outline.alternatives = []
        outline.attach_alternative(self.outline_html, self.alternatives[0].mimetype)
        outline.attachments = [shared.attachments_stand_in]
        mime = EmailMultiAlternatives.message(outline)
        alternative, _stand_in = mime.get_payload()
        written = mime.as_bytes()
        if any(
            part["Content-Transfer-Encoding"] not in PLAIN_TRANSFER_ENCODINGS
            for part in alternative.get_payload()
        ) or any(written.count(stand_in.encode()) != 1 for stand_in in shared.stand_ins()):
            return super().message()
        mime.set_boundary(shared.boundaries[0])
        alternative.set_boundary(shared.boundaries[1])
        return SplicedMessage(mime, shared)
