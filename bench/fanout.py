"""Benchmark of flow 3: one approval fans the group's new contact list out to every member.

    .venv/bin/python -m bench.fanout [--members N [N ...]] [--timeout SECONDS]
                                     [--sink {fast,aiosmtpd}]

For each N: seeds a group of N members with version 1 of its list already sent (in a
fresh database), starts a real Celery worker, admits one applicant through the real
services, and times from `approve_application` until the SMTP server has accepted all
N + 1 emails of version 2. Then times a bare smtplib loop sending as many emails of the
same size over one connection to the same server, as the floor that the pipeline is
compared with. Several sizes run one after the other and end with a summary table.

The SMTP server is `bench.smtpsink` (counting only, some 500 MB/s), or with
`--sink aiosmtpd` the aiosmtpd sink of the tests (about 19 MB/s, too slow for 10,000).

Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust) and Redis at 127.0.0.1:6379.
Uses (and drops) the database `network_bench` and Redis database 14.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import psycopg
import redis

from bench import database
from bench.smtpsink import FastSmtpSink
from tests.stack import ROOT, CeleryWorker, SmtpSink, answers

DB_NAME = "network_bench"
DATABASE_URL = database.url(DB_NAME)
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REDIS_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/14"
# What smtplib does to every message before DATA (smtplib._quote_periods).
DOT_STUFFING = re.compile(rb"(?m)^\.")


# Seconds to wait for every email of one size, unless --timeout says otherwise.
BASE_TIMEOUT, TIMEOUT_PER_MEMBER = 600, 0.5


class CountingSink(SmtpSink):
    """The aiosmtpd sink of the tests (`--sink aiosmtpd`), counting only, which also
    counts the SMTP connections that delivered mail and the bytes of the messages (as
    aiosmtpd hands them over: no longer dot-stuffed)."""

    connections = 0
    bytes = 0
    accepted: list[tuple[float, int]]

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        with self._lock:
            self.bytes += len(envelope.original_content)
            self.accepted.append((time.perf_counter(), len(envelope.original_content)))
            if not getattr(session, "bench_counted", False):
                session.bench_counted = True
                self.connections += 1
        return await super().handle_DATA(server, session, envelope)

    def clear(self) -> None:
        super().clear()
        with self._lock:
            self.connections = self.bytes = 0
            self.accepted = []


def aiosmtpd_sink() -> CountingSink:
    sink = CountingSink(keep=False)
    sink.accepted = []
    return sink


SINKS = {"fast": FastSmtpSink, "aiosmtpd": aiosmtpd_sink}


@dataclass
class Result:
    members: int
    messages: int
    message_bytes: int
    pipeline: float
    baseline: float
    pipeline_bytes: int
    baseline_bytes: int

    @property
    def ratio(self) -> float:
        return self.pipeline / self.baseline


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
    """Django settings for the benchmark's database, Redis and sink; once per process."""
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


def fresh_database() -> None:
    """An empty, migrated `network_bench`, and an empty Redis database 14."""
    from django.core.management import call_command
    from django.db import connections

    connections.close_all()
    database.recreate(DB_NAME)
    redis.Redis.from_url(REDIS_URL).flushdb()
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


def wait_for_count(sink, count: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while sink.count < count:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.005)
    return True


def lists_accepted(sink) -> list[tuple[float, int]]:
    """What the sink accepted that is a contact list: at least half the size of the
    largest message. The approval also emails its decision to the applicant, a message
    of a few KB, which goes out beside the lists and is left out."""
    with sink._lock:
        accepted = list(sink.accepted)
    largest = max((size for _at, size in accepted), default=0)
    return [(at, size) for at, size in accepted if size >= largest / 2]


def wait_for_lists(sink, count: int, timeout: float) -> list[tuple[float, int]] | None:
    """Wait until the sink has accepted `count` contact lists; returns them, or None on
    timeout. The count of all messages is polled first, the sizes only near the end."""
    deadline = time.monotonic() + timeout
    while True:
        if sink.count >= count and len(lists := lists_accepted(sink)) >= count:
            return lists
        if time.monotonic() > deadline:
            return None
        time.sleep(0.005)


def sample_message(group) -> tuple[bytes, dict[str, float]]:
    """The bytes the SMTP backend sends for the new member's copy of version 2, and what
    building a copy costs, in seconds a message: once for the parts all recipients
    share, then per recipient the steps the worker takes before the bytes go out."""
    from contactlists.emails import ContactListMessages
    from contactlists.models import Delivery

    contact_list = group.contact_lists.get(version=2)
    delivery = Delivery.objects.select_related("person").filter(contact_list=contact_list).first()
    welcome = Delivery.objects.select_related("person").get(
        contact_list=contact_list, is_welcome=True
    )
    messages = ContactListMessages(contact_list)
    started = time.perf_counter()
    messages.message_for(delivery, delivery.person.email).message().as_bytes(linesep="\r\n")
    costs = {"shared parts, once per language (not per message)": time.perf_counter() - started}
    steps = {
        "render the recipient's own parts (message_for)": 0.0,
        "their MIME parts (EmailMessage.message)": 0.0,
        "serialise them, splice in the shared parts (as_bytes)": 0.0,
        "smtplib's dot-stuffing (also in the floor)": 0.0,
    }
    names = list(steps)
    rounds = 10
    for _ in range(rounds):
        moments = [time.perf_counter()]
        email = messages.message_for(delivery, delivery.person.email)
        moments.append(time.perf_counter())
        mime = email.message()
        moments.append(time.perf_counter())
        data = mime.as_bytes(linesep="\r\n")
        moments.append(time.perf_counter())
        DOT_STUFFING.sub(b"..", data)
        moments.append(time.perf_counter())
        for name, before, after in zip(names, moments, moments[1:], strict=False):
            steps[name] += (after - before) / rounds
    costs.update(steps)
    return messages.message_for(welcome, welcome.person.email).message().as_bytes(
        linesep="\r\n"
    ), costs


def timeline(group, clock_start_wall: float) -> str:
    """When, after the clock started, the list was built and the first and last email sent."""
    from django.db.models import Max, Min

    contact_list = group.contact_lists.get(version=2)
    sent = contact_list.deliveries.aggregate(
        first=Min("email__sent_at"), last=Max("email__sent_at")
    )

    def since(moment: datetime | None) -> str:
        return f"{moment.timestamp() - clock_start_wall:.2f} s" if moment else "-"

    return (
        f"version 2 created at {since(contact_list.created_at)}, "
        f"first delivery marked sent at {since(sent['first'])}, last at {since(sent['last'])}"
    )


def smtplib_baseline(sink, count: int, message: bytes) -> float:
    """Seconds for bench.smtploop, in its own process, to send `message` `count` times;
    the message goes to it through a pipe, not a file."""
    result = subprocess.run(
        [sys.executable, "-m", "bench.smtploop", "127.0.0.1", str(sink.port), str(count), "-"],
        cwd=ROOT,
        input=message,
        capture_output=True,
        check=True,
    )
    return float(result.stdout.decode().strip())


def run_size(sink, members: int, timeout: float) -> Result:
    """One fan-out to `members` + 1 recipients and its smtplib floor, in a fresh database."""
    fresh_database()
    worker = None
    try:
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
        print(f"approving; {expected} emails to go (timeout {timeout:.0f} s) ...", flush=True)
        clock_start_wall = time.time()
        started = time.perf_counter()
        services.approve_application(application, group, by=staff)
        approved = time.perf_counter() - started
        lists = wait_for_lists(sink, expected, timeout)
        if lists is None:
            raise BenchError(
                f"TIMEOUT: after {timeout:.0f} s the sink had accepted {sink.count} emails, "
                f"{len(lists_accepted(sink))} of {expected} contact lists; see {worker.log}"
            )
        # The sink's own clock: when it accepted the last list.
        pipeline = lists[expected - 1][0] - started
        time.sleep(1)  # a duplicate that would follow arrives now
        lists = lists_accepted(sink)
        received, pipeline_connections = len(lists), sink.connections
        others = sink.count - received
        pipeline_bytes = sum(size for _at, size in lists)
        worker.stop()  # idle from now on; the floor gets the machine to itself
        worker = None
        statuses = dict(
            Delivery.objects.filter(contact_list__group=group, contact_list__version=2)
            .values_list("email__status")
            .annotate(n=Count("pk"))
        )
        message, costs = sample_message(group)
        when = timeline(group, clock_start_wall)

        print(f"  pipeline done in {pipeline:.1f} s; bare smtplib loop ...", flush=True)
        sink.clear()
        baseline = smtplib_baseline(sink, expected, message)
        time.sleep(0.2)  # nothing more should come
        baseline_connections, baseline_bytes = sink.connections, sink.bytes
        if sink.count != expected:
            raise BenchError(f"the smtplib loop got {sink.count} of {expected} accepted")

        result = Result(
            members=members,
            messages=expected,
            message_bytes=len(message),
            pipeline=pipeline,
            baseline=baseline,
            pipeline_bytes=pipeline_bytes,
            baseline_bytes=baseline_bytes,
        )
        print()
        print(f"fan-out to {expected} recipients (message {len(message) / 1024:.0f} KB)")
        print(
            f"  approve -> all accepted by SMTP:  {pipeline:.1f} s  "
            f"({expected / pipeline:.0f} msg/s, {pipeline_bytes / pipeline / 1e6:.0f} MB/s)"
        )
        print(
            f"  bare smtplib loop, one connection: {baseline:.1f} s  "
            f"({expected / baseline:.0f} msg/s, {baseline_bytes / baseline / 1e6:.0f} MB/s)"
        )
        print(f"  ratio: {result.ratio:.2f}")
        print()
        print(f"  approve_application returned after {approved * 1000:.0f} ms; {when}")
        print("  building one message, as the worker does (ms):")
        for name, seconds in costs.items():
            print(f"    {name:<52} {seconds * 1000:8.1f}")
        print(
            f"  deliveries of version 2: {statuses}; contact lists accepted: {received}, "
            f"other emails (the decision to the applicant): {others}"
        )
        print(
            f"  bytes accepted: pipeline {pipeline_bytes / 1e6:.1f} MB, "
            f"smtplib loop {baseline_bytes / 1e6:.1f} MB"
        )
        print(
            f"  SMTP connections that delivered mail: pipeline {pipeline_connections}, "
            f"smtplib loop {baseline_connections}"
        )
        print(flush=True)
        if received != expected:
            raise BenchError(f"{received - expected} more contact lists than recipients")
        return result
    finally:
        if worker is not None:
            worker.stop()


def summary(results: list[Result]) -> str:
    lines = [
        "members  messages  message   pipeline    smtplib   ratio  pipeline MB/s  smtplib MB/s"
    ]
    for r in results:
        pipeline_rate = r.pipeline_bytes / r.pipeline / 1e6
        baseline_rate = r.baseline_bytes / r.baseline / 1e6
        lines.append(
            f"{r.members:>7}  {r.messages:>8}  {r.message_bytes / 1024:>5.0f} KB  "
            f"{r.pipeline:>8.1f} s  {r.baseline:>7.1f} s  {r.ratio:>6.2f}  "
            f"{pipeline_rate:>13.0f}  {baseline_rate:>12.0f}"
        )
    return "\n".join(lines)


def run(sizes: list[int], timeout: float | None, sink_name: str) -> int:
    sink = SINKS[sink_name]().start()
    results = []
    try:
        setup_django(sink.url)
        print(f"SMTP sink: {sink_name} at {sink.url}; load average {load()}", flush=True)
        for members in sizes:
            allowed = timeout or BASE_TIMEOUT + TIMEOUT_PER_MEMBER * members
            results.append(run_size(sink, members, allowed))
    finally:
        sink.stop()
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        database.drop(DB_NAME)
        redis.Redis.from_url(REDIS_URL).flushdb()
    if len(results) > 1:
        print(summary(results))
    print(f"load average at the end: {load()}")
    return 0


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.fanout", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--members",
        type=int,
        nargs="+",
        default=[1000],
        metavar="N",
        help="members of the group; several sizes run one after the other (1000)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        help=f"seconds to wait for every email of one size "
        f"({BASE_TIMEOUT} + {TIMEOUT_PER_MEMBER} per member)",
    )
    parser.add_argument(
        "--sink", choices=sorted(SINKS), default="fast", help="the SMTP server (fast)"
    )
    args = parser.parse_args(argv)
    if min(args.members) < 1:
        parser.error("--members must be at least 1")
    try:
        check_services()
        return run(args.members, args.timeout, args.sink)
    except ServicesMissing as exc:
        print(exc, file=sys.stderr)
        return 2
    except BenchError as exc:
        print(exc, file=sys.stderr)
        return 1


if __name__ == "__main__":
    os.chdir(Path(__file__).resolve().parent.parent)
    sys.exit(main())
