"""Fault: PostgreSQL restarts in the middle of a list to a group of 200. The senders wait
for it and carry on: every list is out within two minutes of the restart, a copy the
server accepted while the database was away is recorded once it is back, and the worker
lives on. The database is a private cluster of the test's own, which it can restart."""

from __future__ import annotations

import time

import psycopg
import pytest
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connections

from contactlists.models import ContactList, Delivery
from diagnoses.models import Diagnosis
from diagnoses.services import save_diagnosis
from outbox.models import OutgoingEmail

from ..seeding import seed_group
from ..stack import PostgresServer, SmtpSink, require
from .conftest import WORKER_ENV, apply, approve, copies_per_member, running_stack, wait_for

pytestmark = pytest.mark.integration

MEMBERS = 200


@pytest.fixture
def private_database(django_db_blocker):
    """A PostgreSQL cluster of this test's own, migrated, as the default database of this
    process (and so of the worker the test starts) for the length of the test."""
    require(PostgresServer.available(), "needs PostgreSQL's initdb (apt-get install postgresql)")
    server = PostgresServer()
    default = connections["default"]
    saved = dict(default.settings_dict)
    try:
        server.start()
        with psycopg.connect(server.url("postgres"), autocommit=True) as admin:
            admin.execute("CREATE DATABASE network")
        with django_db_blocker.unblock():
            default.close()
            default.settings_dict.update(
                NAME="network",
                HOST="127.0.0.1",
                PORT=str(server.port),
                USER="postgres",
                PASSWORD="",
            )
            ContentType.objects.clear_cache()
            call_command("migrate", verbosity=0, interactive=False)
            yield server
    finally:
        default.close()
        default.settings_dict.clear()
        default.settings_dict.update(saved)
        ContentType.objects.clear_cache()
        server.destroy()


def test_a_database_restart_mid_list_delays_it_by_seconds_and_loses_nothing(private_database):
    with running_stack(SmtpSink(), WORKER_ENV) as stack:
        staff = User.objects.create_user("sara", is_staff=True)
        alstrom = save_diagnosis(Diagnosis(orpha_code=64, name="Alström syndrome"), [])
        group = seed_group(alstrom, MEMBERS)
        application = apply("Freja Christensen", alstrom)
        stack.wait_until_idle()
        stack.smtp.clear()

        approve(application, group, staff)
        wait_for(lambda: stack.smtp.count >= 50, timeout=60, what="the first 50 lists")
        private_database.stop()
        time.sleep(3)
        private_database.start()
        restarted_at = time.monotonic()
        connections["default"].close()
        assert stack.smtp.count < MEMBERS, "the list went out before the restart"

        version_2 = ContactList.objects.get(group=group, version=2)
        deliveries = Delivery.objects.filter(contact_list=version_2)
        wait_for(
            lambda: not deliveries.exclude(email__status=OutgoingEmail.Status.SENT).exists(),
            timeout=120,
            what=f"every list sent after the restart; see {stack.worker.log}",
        )
        assert time.monotonic() - restarted_at < 120
        stack.smtp.wait_for(MEMBERS + 2)  # 201 lists and Freja's approval

        copies = copies_per_member(stack.smtp, group)
        assert len(copies) == MEMBERS + 1
        assert min(copies.values()) == 1, [a for a, n in copies.items() if n == 0]
        twice = [address for address, n in copies.items() if n > 1]
        # At most the copy each pool process had in flight when the database went away,
        # and each such copy is recorded where staff see it.
        assert max(copies.values()) <= 2 and len(twice) <= stack.worker.concurrency, twice
        flagged = OutgoingEmail.objects.sent_more_than_once().values_list("recipient", flat=True)
        assert set(twice) <= set(flagged)
        assert stack.worker.process.poll() is None, "the worker died"
