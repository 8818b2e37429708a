"""The real parts for integration tests and benchmarks: an SMTP server that keeps every
message (and one that misbehaves as real ones do), Celery worker processes on the test
database and Redis, and a private Redis server and PostgreSQL cluster that a test can stop
and start again."""

from __future__ import annotations

import asyncio
import contextlib
import email
import email.header
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

import pytest
import redis
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent

# A duplicate email, were one sent, follows the expected ones within moments: the same
# task run twice, or two tasks for one email, on a worker that is already at work.
# After the expected emails arrive, a test waits this long for one before it counts.
DUPLICATE_SETTLE = 2.0


def require(available: bool, reason: str) -> None:
    """Skip a test whose real service is missing; under CI=true, fail it instead."""
    if available:
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: a missing service is a failure, not a skip)")
    pytest.skip(reason)


def answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    sender: str
    recipients: list[str]
    message: Message
    # When the server accepted it, on this process's monotonic clock.
    at: float = field(default_factory=time.monotonic)

    def text(self) -> str:
        for part in self.message.walk():
            if part.get_content_type() == "text/plain" and not part.get_filename():
                return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        return ""

    def html(self) -> str:
        for part in self.message.walk():
            if part.get_content_type() == "text/html":
                return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")
        return ""

    def attachment(self, suffix: str) -> str:
        for part in self.message.walk():
            if (part.get_filename() or "").endswith(suffix):
                return part.get_payload(decode=True).decode("utf-8-sig")
        raise KeyError(suffix)

    @property
    def carries_list(self) -> bool:
        """A contact list comes with its CSV; an email to an applicant has no attachment."""
        return any((part.get_filename() or "").endswith(".csv") for part in self.message.walk())

    @property
    def subject(self) -> str:
        return str(email.header.make_header(email.header.decode_header(self.message["Subject"])))


@dataclass
class SmtpSink:
    """An SMTP server on a free local port that keeps (or just counts) what it accepts."""

    keep: bool = True
    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    count: int = 0

    def __post_init__(self):
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, data_size_limit=0)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        received = None
        if self.keep:
            received = Received(
                envelope.mail_from,
                list(envelope.rcpt_tos),
                email.message_from_bytes(envelope.original_content),
            )
        with self._lock:
            self.count += 1
            if received:
                self.received.append(received)
        return "250 Message accepted for delivery"

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> SmtpSink:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def restart(self) -> SmtpSink:
        """Start again on the same port after `stop()`, keeping what was received.
        A stopped controller cannot be started twice, so a new one takes its place."""
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, data_size_limit=0)
        return self.start()

    def clear(self) -> None:
        with self._lock:
            self.received.clear()
            self.count = 0

    def to(self, address: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if address in r.recipients]

    def wait_for(self, count: int, *, timeout: float = 60, settle: float = DUPLICATE_SETTLE) -> int:
        """Wait until at least `count` messages arrived (fail after `timeout` seconds),
        then `settle` seconds more, and return how many arrived by then.

        The settle is the one fixed wait: no state says that a duplicate will not come, so
        a test that expects exactly `count` gives one the time to follow before it counts.
        """
        deadline = time.monotonic() + timeout
        while self.count < count:
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.count} of {count} messages within {timeout}s")
            time.sleep(0.05)
        time.sleep(settle)
        return self.count


@dataclass
class FaultySmtp(SmtpSink):
    """An SMTP server that misbehaves the way real ones do: it greylists (451 to each
    recipient's first try), refuses some mailboxes for good (550), runs out of storage for a
    while (452), or stalls mid-DATA on the first message to some recipients. A stalled
    message is accepted only if its client is still there when the stall ends, as a real
    server would; a client that gave up has not handed it over."""

    greylist: bool = False
    refuse: set[str] = field(default_factory=set)
    stall: dict[str, float] = field(default_factory=dict)
    connections: int = 0

    def __post_init__(self):
        super().__post_init__()
        self._tried: set[str] = set()
        self._stalled: set[str] = set()
        self._full_until = 0.0

    def fill_up(self, seconds: float) -> None:
        """Answer every recipient 452 (insufficient storage) for `seconds` from now."""
        self._full_until = time.monotonic() + seconds

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        session.host_name = hostname
        with self._lock:
            self.connections += 1
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return f"550 5.1.1 <{address}>: Recipient address rejected: no such mailbox"
        if time.monotonic() < self._full_until:
            return "452 4.3.1 Insufficient system storage"
        with self._lock:
            first_try = self.greylist and address not in self._tried
            self._tried.add(address)
        if first_try:
            return "451 4.7.1 Greylisted, please try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        stalls = [a for a in envelope.rcpt_tos if a in self.stall and a not in self._stalled]
        if stalls:
            self._stalled.update(stalls)
            await asyncio.sleep(max(self.stall[a] for a in stalls))
            if server.transport is None or server.transport.is_closing():
                return "451 4.4.2 Timeout"
        return await super().handle_DATA(server, session, envelope)


class CeleryWorker:
    """A real `celery worker` process, with the app's local settings
    pointed at the given database, Redis and SMTP server."""

    def __init__(
        self,
        *,
        database_url: str,
        redis_url: str,
        email_url: str,
        concurrency: int = 2,
        extra_env: dict | None = None,
    ):
        self.name = f"worker-{uuid.uuid4().hex[:8]}"
        self.log = ROOT / "var" / "test-logs" / f"celery-{self.name}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "settings.local",
            "DEBUG": "false",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "EMAIL_URL": email_url,
            "CONTACT_LIST_COALESCE_SECONDS": "0",
            **(extra_env or {}),
        }
        self.concurrency = concurrency
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 30) -> CeleryWorker:
        command = [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "network",
            "worker",
            "-c",
            str(self.concurrency),
            "-l",
            "info",
            "--without-gossip",
            "--without-mingle",
            "-n",
            f"{self.name}@%h",
        ]
        self._log_file = self.log.open("wb")
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env=self.env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Celery worker exited:\n{self.log.read_text()[-3000:]}")
            if b" ready." in self.log.read_bytes():
                return self
            time.sleep(0.1)
        raise RuntimeError(
            f"Celery worker not ready in {timeout}s:\n{self.log.read_text()[-3000:]}"
        )

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self._log_file.close()

    def kill(self) -> None:
        """SIGKILL the worker and its pool processes, as a crash would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


class RedisServer:
    """A private `redis-server` on a free local port, with nothing written to disk,
    that a test can stop (as an outage would) and start again on the same port, empty,
    or freeze and thaw."""

    binary = "/usr/bin/redis-server"

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.log = ROOT / "var" / "test-logs" / f"redis-{self.port}.log"
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.process: subprocess.Popen | None = None

    @classmethod
    def available(cls) -> bool:
        return os.access(cls.binary, os.X_OK)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 10) -> RedisServer:
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        client = redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=0.5)
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    raise RuntimeError(f"redis-server exited:\n{self.log.read_text()[-2000:]}")
                try:
                    if client.ping():
                        return self
                except (redis.ConnectionError, redis.TimeoutError):
                    time.sleep(0.05)
        finally:
            client.close()
        self.stop()
        raise RuntimeError(f"redis-server on port {self.port} did not answer in {timeout}s")

    def freeze(self) -> None:
        """SIGSTOP: the port still accepts connections, but nothing answers, as with a
        Redis stuck behind a network partition or a stalled host."""
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.thaw()
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def database_url(settings_dict: dict) -> str:
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


class PostgresServer:
    """A private PostgreSQL cluster (initdb) on a free local port, with nothing synced to
    disk, that a test can restart as an operator or a failover would."""

    def __init__(self):
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="pg-"))
        self.data = self.dir / "data"
        # Beside the cluster, where the postgres user may write: var/ is its owner's alone.
        self.log = self.dir / "postgres.log"

    @staticmethod
    def bin_dir() -> Path | None:
        found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
        return found[-1].parent if found else None

    @classmethod
    def available(cls) -> bool:
        return cls.bin_dir() is not None and (os.geteuid() != 0 or shutil.which("runuser"))

    def _run(self, program: str, *args: str) -> None:
        command = [str(self.bin_dir() / program), *args]
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root.
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=60)

    def start(self) -> PostgresServer:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres")
        if not self.data.exists():
            self._run(
                "initdb",
                "-D",
                str(self.data),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--no-sync",
            )
        if os.geteuid() == 0:
            self.log.touch()
            shutil.chown(self.log, "postgres")
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.log), "-w", "start")
        return self

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)

    def url(self, name: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"
