"""Benchmark of flow 3: one approval fans the group's new contact list out to every member.

    .venv/bin/python -m bench.fanout [--members N] [--timeout SECONDS]

Seeds a group of N members with version 1 of its list already sent, starts a real
Celery worker, admits one applicant through the real services, and times from
`approve_application` until the SMTP server has accepted all N + 1 emails of version 2.
Then times a bare smtplib loop sending as many emails of the same size over one
connection to the same server, as the floor that the pipeline is compared with.

Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust) and Redis at 127.0.0.1:6379.
Uses (and drops) the database `network_bench` and Redis database 14.
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import psycopg
import redis

from bench import database
from tests.stack import ROOT, CeleryWorker, SmtpSink, answers

DB_NAME = "network_bench"
DATABASE_URL = database.url(DB_NAME)
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/14"


class CountingSink(SmtpSink):
    """The counting sink, which also counts the SMTP connections that delivered mail."""

    connections = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        if not getattr(session, "bench_counted", False):
            session.bench_counted = True
            with self._lock:
                self.connections += 1
        return await super().handle_DATA(server, session, envelope)

    def clear(self) -> None:
        super().clear()
        with self._lock:
            self.connections = 0


class BenchError(Exception):
    """The benchmark did not finish; the message says why."""


class ServicesMissing(BenchError):
    """PostgreSQL or Redis does not answer."""


def check_services() -> None:
    missing = []
    try:
        database.admin_connection().close()
    except psycopg.Error as exc:
        missing.append(
            f"PostgreSQL at {database.PG_HOST}:{database.PG_PORT} "
            f"(user {database.PG_USER}, trust): {exc}"
        )
    if answers(REDIS_HOST, REDIS_PORT):
        try:
            redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
        except redis.RedisError as exc:
            missing.append(f"Redis at {REDIS_HOST}:{REDIS_PORT}: {exc}")
    else:
        missing.append(f"Redis at {REDIS_HOST}:{REDIS_PORT}: nothing answers")
    if missing:
        raise ServicesMissing("The benchmark needs:\n  " + "\n  ".join(missing))


def setup_django(email_url: str) -> None:
    os.environ.update(
        DJANGO_SETTINGS_MODULE="settings.local",
        DEBUG="false",
        DATABASE_URL=DATABASE_URL,
        REDIS_URL=REDIS_URL,
        EMAIL_URL=email_url,
        # As in the worker: build as soon as the approval commits, no coalescing window.
        CONTACT_LIST_COALESCE_SECONDS="0",
    )
    import django

    django.setup()
    # The settings log INFO to the console; aiosmtpd logs every SMTP command at INFO.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def seed(members: int):
    """A staff user, and a group of `members` people who all have version 1 of its list."""
    from django.contrib.auth import get_user_model

    from diagnoses.models import Diagnosis
    from diagnoses.services import save_diagnosis
    from tests.seeding import seed_group

    staff = get_user_model().objects.create_user("bench-secretariat", is_staff=True)
    diagnosis = save_diagnosis(
        Diagnosis(orpha_code=64, name="Alström syndrome", icd10_codes="E34.8"), []
    )
    return staff, diagnosis, seed_group(diagnosis, members)


def apply(diagnosis):
    """One applicant through the real sign-up: submitted with every consent, confirmed."""
    from members import services
    from members.consents import CONSENT_TEXTS
    from tests.seeding import applicant_details

    details = applicant_details("Freja Christensen", diagnosis)
    application = services.submit_application(details, dict.fromkeys(CONSENT_TEXTS, True))
    services.confirm_email(application)
    return application


def wait_for_count(sink: CountingSink, count: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while sink.count < count:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def sample_message(group) -> tuple[bytes, float]:
    """The bytes the SMTP backend sends for the new member's copy of version 2, and the
    seconds it takes to build one copy once the shared parts are rendered."""
    from contactlists.emails import ContactListMessages
    from contactlists.models import Delivery

    contact_list = group.contact_lists.get(version=2)
    delivery = Delivery.objects.select_related("person").filter(contact_list=contact_list).first()
    welcome = Delivery.objects.select_related("person").get(
        contact_list=contact_list, is_welcome=True
    )
    messages = ContactListMessages(contact_list)
    messages.message_for(delivery).message().as_bytes(linesep="\r\n")  # renders shared parts
    rounds = 20
    started = time.perf_counter()
    for _ in range(rounds):
        messages.message_for(delivery).message().as_bytes(linesep="\r\n")
    per_message = (time.perf_counter() - started) / rounds
    return messages.message_for(welcome).message().as_bytes(linesep="\r\n"), per_message


def timeline(group, clock_start_wall: float) -> str:
    """When, after the clock started, the list was built and the first and last email sent."""
    from django.db.models import Max, Min

    contact_list = group.contact_lists.get(version=2)
    sent = contact_list.deliveries.aggregate(first=Min("sent_at"), last=Max("sent_at"))

    def since(moment: datetime | None) -> str:
        return f"{moment.timestamp() - clock_start_wall:.2f} s" if moment else "-"

    return (
        f"version 2 created at {since(contact_list.created_at)}, "
        f"first delivery marked sent at {since(sent['first'])}, last at {since(sent['last'])}"
    )


def smtplib_baseline(sink: CountingSink, count: int, message: bytes) -> float:
    with tempfile.NamedTemporaryFile(suffix=".eml") as file:
        file.write(message)
        file.flush()
        result = subprocess.run(
            [sys.executable, "-m", "bench.smtploop", "127.0.0.1", str(sink.port), str(count)]
            + [file.name],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
    return float(result.stdout.strip())


def run(members: int, timeout: float) -> int:
    database.recreate(DB_NAME)
    redis.Redis.from_url(REDIS_URL).flushdb()
    sink = CountingSink(keep=False).start()
    worker = None
    try:
        setup_django(sink.url)
        from django.db.models import Count

        from contactlists.models import Delivery
        from members import services
        from members.models import Application

        print(f"seeding {members} members ...", flush=True)
        started = time.perf_counter()
        staff, diagnosis, group = seed(members)
        print(f"  seeded in {time.perf_counter() - started:.1f} s", flush=True)

        worker = CeleryWorker(
            database_url=DATABASE_URL, redis_url=REDIS_URL, email_url=sink.url, concurrency=2
        ).start()
        print(f"worker started (log: {worker.log})", flush=True)

        application = apply(diagnosis)
        if not wait_for_count(sink, 1, 60):
            raise BenchError(f"the confirmation email never reached the sink; see {worker.log}")
        time.sleep(0.2)
        sink.clear()

        expected = members + 1
        application = Application.objects.get(pk=application.pk)
        clock_start_wall = time.time()
        started = time.perf_counter()
        services.approve_application(application, group, by=staff)
        approved = time.perf_counter() - started
        finished = wait_for_count(sink, expected, timeout)
        pipeline = time.perf_counter() - started
        if not finished:
            raise BenchError(
                f"TIMEOUT: after {timeout:.0f} s the sink had accepted {sink.count} of "
                f"{expected} emails; see {worker.log}"
            )
        time.sleep(1)  # a duplicate that would follow arrives now
        received, pipeline_connections = sink.count, sink.connections
        statuses = dict(
            Delivery.objects.filter(contact_list__group=group, contact_list__version=2)
            .values_list("status")
            .annotate(n=Count("pk"))
        )
        message, build_one = sample_message(group)
        when = timeline(group, clock_start_wall)

        sink.clear()
        baseline = smtplib_baseline(sink, expected, message)
        baseline_connections = sink.connections
        if sink.count != expected:
            raise BenchError(f"the smtplib loop got {sink.count} of {expected} accepted")

        print()
        print(f"fan-out to {expected} recipients (message {len(message) / 1024:.0f} KB)")
        print(
            f"  approve -> all accepted by SMTP:  {pipeline:.1f} s  "
            f"({expected / pipeline:.0f} msg/s)"
        )
        print(
            f"  bare smtplib loop, one connection: {baseline:.1f} s  "
            f"({expected / baseline:.0f} msg/s)"
        )
        print(f"  ratio: {pipeline / baseline:.2f}")
        print()
        print(f"  approve_application returned after {approved * 1000:.0f} ms; {when}")
        print(f"  building one message (shared parts cached): {build_one * 1000:.1f} ms")
        print(f"  deliveries of version 2: {statuses}; emails accepted: {received}")
        print(
            f"  SMTP connections that delivered mail: pipeline {pipeline_connections}, "
            f"smtplib loop {baseline_connections}"
        )
        if received != expected:
            print(f"  WARNING: {received - expected} more emails than recipients")
            return 1
        return 0
    finally:
        if worker is not None:
            worker.stop()
        sink.stop()
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        database.drop(DB_NAME)
        redis.Redis.from_url(REDIS_URL).flushdb()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.fanout", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--members", type=int, default=1000, help="members of the group (1000)")
    parser.add_argument(
        "--timeout", type=float, default=600, help="seconds to wait for every email (600)"
    )
    args = parser.parse_args(argv)
    if args.members < 1:
        parser.error("--members must be at least 1")
    try:
        check_services()
        return run(args.members, args.timeout)
    except ServicesMissing as exc:
        print(exc, file=sys.stderr)
        return 2
    except BenchError as exc:
        print(exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    os.chdir(Path(__file__).resolve().parent.parent)
    sys.exit(main())
