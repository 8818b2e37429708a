"""A fast SMTP sink for the benchmarks: it accepts every message and only counts them.

aiosmtpd (the sink of the tests) parses every command and keeps each message in memory
as it arrives; it takes about 19 MB/s, so at 10,000 members (a message of about 7 MB
each, some 70 GB in all) it would take an hour for each side of the benchmark. This one
answers the commands that Python's `smtplib` (and so Django's SMTP backend) sends, and in
DATA only looks for the end of the message, `<CRLF>.<CRLF>`, also across the chunks
the socket hands over; it neither parses nor keeps the message. It counts the messages it
accepted, their bytes (as sent, dot-stuffed, without the terminator) and the connections
that delivered at least one, and notes when each message was accepted and its size.

It offers no extension but 8BITMIME (it takes any bytes): no STARTTLS, AUTH, SIZE,
PIPELINING or SMTPUTF8, so a client that would need one fails rather than being
misunderstood. It runs its own asyncio loop in a thread, like aiosmtpd's `Controller`:

    sink = FastSmtpSink().start()  # sink.url == "smtp://127.0.0.1:<port>"
    ...
    sink.count, sink.bytes, sink.connections, sink.accepted  # [(perf_counter(), bytes)]
    sink.stop()
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time

TERMINATOR = b"\r\n.\r\n"
# The bytes of a chunk kept to find a terminator that straddles two chunks.
KEEP = len(TERMINATOR) - 1
# A command line longer than this (RFC 5321 allows 512) ends the connection.
MAX_LINE = 4096
HOSTNAME = b"127.0.0.1"


class _Session(asyncio.Protocol):
    def __init__(self, sink: FastSmtpSink):
        self.sink = sink
        self.transport: asyncio.Transport | None = None
        self.lines = b""
        self.in_data = False
        self.tail = b""
        self.data_bytes = 0
        self.mail_from = False
        self.recipients = 0
        self.delivered = False

    def connection_made(self, transport):
        self.transport = transport
        transport.write(b"220 " + HOSTNAME + b" bench sink ESMTP\r\n")

    def data_received(self, data: bytes) -> None:
        while data and not self.transport.is_closing():
            data = self._scan(data) if self.in_data else self._commands(data)

    def _scan(self, data: bytes) -> bytes:
        """Look for the terminator in DATA; returns what follows it (usually nothing)."""
        # First a terminator that begins in the bytes kept from the previous chunk (or
        # right after the DATA command: an empty message is ".<CRLF>" alone).
        at = (self.tail + data[:KEEP]).find(TERMINATOR)
        if at >= 0:
            end = at + len(TERMINATOR) - len(self.tail)
        else:
            at = data.find(TERMINATOR)
            if at < 0:
                self.data_bytes += len(data)
                self.tail = (self.tail + data if len(data) < KEEP else data)[-KEEP:]
                return b""
            end = at + len(TERMINATOR)
        self.data_bytes += end
        self._accept()
        return data[end:]

    def _accept(self) -> None:
        self.in_data = False
        self.tail = b""
        sink = self.sink
        # The message as sent: dot-stuffed, ending in CRLF, without the ".<CRLF>".
        size = self.data_bytes - 3
        with sink._lock:
            sink.count += 1
            sink.bytes += size
            sink.accepted.append((time.perf_counter(), size))
            if not self.delivered:
                sink.connections += 1
        self.delivered = True
        self.data_bytes = 0
        self.mail_from = False
        self.recipients = 0
        self.transport.write(b"250 OK: message accepted\r\n")

    def _commands(self, data: bytes) -> bytes:
        """Answer each complete command line; returns what follows DATA, if it began."""
        self.lines += data
        while not self.in_data:
            line, newline, rest = self.lines.partition(b"\n")
            if not newline:
                if len(self.lines) > MAX_LINE:
                    self._reply(b"500 Line too long")
                    self.transport.close()
                return b""
            self.lines = rest
            self._command(line.rstrip(b"\r"))
            if self.transport.is_closing():
                return b""
        rest, self.lines = self.lines, b""
        return rest

    def _command(self, line: bytes) -> None:
        verb = line[:4].upper()
        if verb == b"EHLO":
            self._reply(b"250-" + HOSTNAME + b"\r\n250 8BITMIME")
            self.mail_from, self.recipients = False, 0
        elif verb == b"HELO":
            self._reply(b"250 " + HOSTNAME)
            self.mail_from, self.recipients = False, 0
        elif verb == b"MAIL":
            self.mail_from, self.recipients = True, 0
            self._reply(b"250 OK")
        elif verb == b"RCPT":
            if not self.mail_from:
                self._reply(b"503 Error: need MAIL command")
                return
            self.recipients += 1
            self._reply(b"250 OK")
        elif verb == b"DATA":
            if not self.recipients:
                self._reply(b"503 Error: need RCPT command")
                return
            self.in_data = True
            # As if the line before the message ended just now: an empty message is
            # ".<CRLF>" alone.
            self.tail = b"\r\n"
            self.data_bytes = 0
            self._reply(b"354 End data with <CR><LF>.<CR><LF>")
        elif verb == b"RSET":
            self.mail_from, self.recipients = False, 0
            self._reply(b"250 OK")
        elif verb == b"NOOP":
            self._reply(b"250 OK")
        elif verb == b"QUIT":
            self._reply(b"221 Bye")
            self.transport.close()
        else:
            self._reply(b"502 Command not implemented")

    def _reply(self, text: bytes) -> None:
        self.transport.write(text + b"\r\n")


class FastSmtpSink:
    """An SMTP server on a free local port that counts what it accepts, in a thread."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.host = host
        self.port = port
        self.count = 0
        self.bytes = 0
        self.connections = 0
        self.accepted: list[tuple[float, int]] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def start(self) -> FastSmtpSink:
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                sock = socket.create_server((self.host, self.port))
                self.port = sock.getsockname()[1]
                server = loop.run_until_complete(
                    loop.create_server(lambda: _Session(self), sock=sock)
                )
            except BaseException as exc:  # noqa: BLE001 (reported to the starting thread)
                failure.append(exc)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                server.close()
                loop.run_until_complete(server.wait_closed())
                loop.close()

        self._thread = threading.Thread(target=serve, name="bench-smtp-sink", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._thread = None

    def clear(self) -> None:
        with self._lock:
            self.count = self.bytes = self.connections = 0
            self.accepted = []
