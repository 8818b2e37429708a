"""A private stack for fault injection: a Redis server, an SMTP server and Celery workers
that belong to one test alone, so that the test can stop, kill and restart them while
other test runs on the same machine keep their shared Redis.

`own_stack` points this process's Celery publisher at the private Redis for the length
of the test. Helpers seed a large group quickly and send applicants through the real
sign-up.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field

import kombu.pools
import pytest
from django.contrib.auth.models import AbstractBaseUser
from django.db import connection

from contactlists.models import ContactList
from contactlists.services import sweep as sweep_contact_lists
from diagnoses.models import Diagnosis, DiagnosisGroup
from members import services
from members.models import Application, Person
from network import celery_app
from outbox.services import sweep as sweep_outbox

from ..conftest import ALL_CONSENTS, Stack
from ..seeding import applicant_details
from ..stack import CeleryWorker, RedisServer, SmtpSink, database_url, require


def publish_to(broker_url: str) -> None:
    """Send this process's tasks to `broker_url` from the next publish on.

    Celery caches the broker connection in kombu's process-wide pools, keyed by URL;
    closing and forgetting them all makes the next publish connect afresh.
    """
    celery_app.conf.broker_url = broker_url
    kombu.pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def wait_for(condition: Callable[[], object], *, timeout: float, what: str) -> object:
    """Poll `condition` until it returns something true, and return that."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.05)
    raise AssertionError(f"not within {timeout}s: {what}")


# How long the own stack's workers hold an email they claimed.
LEASE_SECONDS = 20


@dataclass
class OwnStack(Stack):
    redis: RedisServer
    worker_env: dict = field(default_factory=dict)
    workers: list[CeleryWorker] = field(default_factory=list)

    def start_worker(self) -> CeleryWorker:
        """Another worker on the same database, Redis and SMTP server; it becomes `worker`."""
        self.worker = CeleryWorker(
            database_url=database_url(connection.settings_dict),
            redis_url=self.redis.url,
            email_url=self.smtp.url,
            extra_env=self.worker_env,
        )
        self.workers.append(self.worker)
        return self.worker.start()

    def sweep_until(self, condition: Callable[[], object], *, timeout: float, what: str):
        """Run the sweeps in this process as the beat has the worker run them, every second
        rather than every minute, until `condition` holds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            sweep_contact_lists()
            sweep_outbox()
            if result := condition():
                return result
            time.sleep(1)
        raise AssertionError(f"not within {timeout}s of sweeps: {what}; see {self.worker.log}")


# The own stack's workers: leases of LEASE_SECONDS rather than ten minutes, so that a test
# sees a dead worker's emails taken back soon, and an SMTP timeout of 2 s, so that a lease
# is still longer than any send (8 timeouts).
WORKER_ENV = {"OUTBOX_LEASE_SECONDS": str(LEASE_SECONDS), "EMAIL_TIMEOUT": "2"}


@contextmanager
def running_stack(smtp: SmtpSink, worker_env: dict) -> Iterator[OwnStack]:
    """A Redis server, `smtp` and a Celery worker of the test's own, on the database the
    default connection points to; this process publishes its tasks to that Redis."""
    require(RedisServer.available(), f"needs {RedisServer.binary}")
    with ExitStack() as cleanup:
        redis_server = RedisServer()
        cleanup.callback(redis_server.stop)
        redis_server.start()
        smtp.start()
        cleanup.callback(smtp.stop)
        stack = OwnStack(smtp=smtp, worker=None, redis=redis_server, worker_env=worker_env)
        cleanup.callback(publish_to, celery_app.conf.broker_url)
        cleanup.callback(setattr, celery_app.conf, "task_always_eager", True)
        publish_to(redis_server.url)
        celery_app.conf.task_always_eager = False

        @cleanup.callback
        def stop_workers():
            for worker in stack.workers:
                worker.stop()

        stack.start_worker()
        yield stack


@pytest.fixture
def own_stack(transactional_db):
    """PostgreSQL (the test database), and a Redis server, SMTP server and Celery worker
    of this test's own, which the test may stop, kill and start again. The sweep runs
    where the test calls it, with the test's settings."""
    require(connection.vendor == "postgresql", "needs PostgreSQL; TEST_DATABASE_URL chose SQLite")
    with running_stack(SmtpSink(), WORKER_ENV) as stack:
        yield stack


def apply(name: str, diagnosis: Diagnosis, *, phone: str = "+4528760000") -> Application:
    """An application through the real sign-up, confirmed and awaiting review."""
    details = applicant_details(
        name,
        diagnosis,
        phone=phone,
        birth_year=2016,
        street_address="Algade 10",
        postal_code="4000",
        city="Roskilde",
    )
    application = services.submit_application(details, ALL_CONSENTS)
    services.confirm_email(application)
    return Application.objects.get(pk=application.pk)


def approve(application: Application, group: DiagnosisGroup, by: AbstractBaseUser) -> Person:
    return services.approve_application(application, group, by=by).person


def versions_of(group: DiagnosisGroup) -> list[int]:
    return list(
        ContactList.objects.filter(group=group)
        .order_by("version")
        .values_list("version", flat=True)
    )


def copies_per_member(smtp: SmtpSink, group: DiagnosisGroup) -> Counter:
    """How many contact lists each current member of the group received, by address,
    with a 0 for a member who received none. The new member's approval email is not a list."""
    members = Person.objects.filter(memberships__group=group, memberships__left_at=None)
    copies = Counter({person.email: 0 for person in members})
    for received in list(smtp.received):
        if received.carries_list:
            copies.update(received.recipients)
    return copies
