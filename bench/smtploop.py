"""The baseline: one message sent `count` times over one SMTP connection with bare smtplib.

Run as its own process by `bench.fanout`, so that the client does not share a
Python interpreter (and its GIL) with the SMTP sink it measures against:

    python -m bench.smtploop HOST PORT COUNT MESSAGE_FILE

MESSAGE_FILE may be `-`: the message is read from standard input (`bench.fanout` passes
it so, and nothing is written to disk). Prints the seconds from connecting to QUIT.
"""

from __future__ import annotations

import smtplib
import sys
import time
from pathlib import Path

SENDER = "secretariat@example.org"


def send_loop(host: str, port: int, count: int, message: bytes) -> float:
    started = time.perf_counter()
    smtp = smtplib.SMTP(host, port)
    for i in range(count):
        smtp.sendmail(SENDER, [f"member{i}@example.org"], message)
    smtp.quit()
    return time.perf_counter() - started


def main(argv: list[str]) -> int:
    host, port, count, path = argv
    message = sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    print(f"{send_loop(host, int(port), int(count), message):.6f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
