"""The real parts for integration tests and benchmarks: an SMTP server that keeps every
message, Celery worker processes on the test database and Redis, and a private Redis
server that a test can stop and start again."""

from __future__ import annotations

import email
import email.header
import os
import signal
import socket
import subprocess
import sys
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

    def wait_for(self, count: int, timeout: float = 60, settle: float = 0.5) -> int:
        """Wait until at least `count` messages arrived, then a moment more, so that a
        duplicate that would follow is caught too."""
        deadline = time.monotonic() + timeout
        while self.count < count and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(settle)
        return self.count


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
