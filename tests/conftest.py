"""Personas and the real stack.

Personas: `secretariat` (staff who review), `consultant` (the medical consultant, who sees
anonymised cases only), `member_of_a` and `member_of_b` (members of two different diagnosis
groups), `applicant_data` (what an applicant types), `visitor` (anonymous).
"""

from __future__ import annotations

import os
import time
import warnings
from dataclasses import dataclass

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import OperationalError, connection
from django.test import override_settings
from django.urls import clear_url_caches
from django.utils import translation
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from hypothesis.database import DirectoryBasedExampleDatabase

from contactlists.models import GroupChange
from diagnoses.models import Diagnosis, DiagnosisGroup
from diagnoses.services import save_diagnosis
from members import services
from members.consents import CONSENT_TEXTS
from members.models import Application, Membership
from members.roles import consultant_role, secretariat_role
from network import celery_app
from outbox.models import OutgoingEmail
from settings import base as base_settings

from .seeding import applicant_details
from .stack import CeleryWorker, SmtpSink, answers, database_url, require

ALL_CONSENTS = dict.fromkeys(CONSENT_TEXTS, True)

# Property tests (Hypothesis): 500 examples each in CI, 50 on a laptop; HYPOTHESIS_PROFILE
# chooses another. No deadline: a test's speed is measured in bench/, never in a test. Each
# example runs in the test's own database transaction, rolled back to a savepoint, so a
# function-scoped fixture serves them all. Examples that failed are kept under var/.
for _profile, _examples in [("ci", 500), ("dev", 50)]:
    hypothesis_settings.register_profile(
        _profile,
        max_examples=_examples,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
        database=DirectoryBasedExampleDatabase(
            str(base_settings.VAR_DIR / "hypothesis" / "examples")
        ),
    )
hypothesis_settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") == "true" else "dev")
)


@pytest.fixture
def secretariat(django_user_model):
    user = django_user_model.objects.create_user("sara", password="s3cret-pass", is_staff=True)
    user.groups.add(secretariat_role())
    return user


@pytest.fixture
def consultant(django_user_model):
    user = django_user_model.objects.create_user("carl", password="s3cret-pass", is_staff=True)
    user.groups.add(consultant_role())
    return user


@pytest.fixture
def visitor(client):
    return client


@pytest.fixture
def alstrom(db):
    return save_diagnosis(
        Diagnosis(orpha_code=64, name="Alström syndrome", icd10_codes="E34.8"), []
    )


@pytest.fixture
def kabuki(db):
    return save_diagnosis(
        Diagnosis(orpha_code=2322, name="Kabuki syndrome", icd10_codes="Q87.0"),
        ["Niikawa-Kuroki syndrome"],
    )


def applicant(name: str, diagnosis: Diagnosis | None = None, **overrides) -> dict:
    """Form data as an applicant in Denmark would type it."""
    data = {
        "full_name": name,
        "relationship": "parent",
        "birth_year": "2015",
        "street_address": "Skovvej 12",
        "postal_code": "8000",
        "city": "Aarhus C",
        "country": "DK",
        "phone": "20 12 34 56",
        "email": name.lower().replace(" ", ".") + "@example.org",
        "diagnosis_query": diagnosis.name if diagnosis else "",
        "diagnosis": str(diagnosis.pk) if diagnosis else "",
        "note": "",
        **{f"consent_{kind}": "on" for kind in CONSENT_TEXTS},
        "apply": "Send application",
    }
    data.update(overrides)
    return data


@pytest.fixture
def applicant_data(alstrom):
    return applicant("Freja Christensen", alstrom)


def admit(
    name: str,
    diagnosis: Diagnosis,
    by,
    *,
    phone="+4520123456",
    country="DK",
    group: DiagnosisGroup | None = None,
) -> Membership:
    """A member admitted through the real flow: applied, confirmed, approved."""
    details = applicant_details(
        name, diagnosis, phone=phone, country=country, street_address="Vej 1", city="Aarhus"
    )
    application = services.submit_application(details, ALL_CONSENTS)
    services.confirm_email(application)
    return services.approve_application(Application.objects.get(pk=application.pk), group, by=by)


@pytest.fixture
def member_of_a(alstrom, secretariat):
    return admit("Mette Holm", alstrom, secretariat).person


@pytest.fixture
def member_of_b(kabuki, secretariat):
    return admit("Aud Hansen", kabuki, secretariat, phone="+4741234567", country="NO").person


@dataclass
class Stack:
    smtp: SmtpSink
    worker: CeleryWorker

    def wait_until_idle(self, timeout: float = 60) -> None:
        """Wait until every change is built and every email is sent, as the database says."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            busy = (
                GroupChange.objects.pending().exists()
                or OutgoingEmail.objects.filter(status__in=["queued", "sending"]).exists()
            )
            if not busy:
                return
            time.sleep(0.1)
        raise AssertionError(f"work still pending after {timeout}s; worker log: {self.worker.log}")


@pytest.fixture
def stack(transactional_db):
    """PostgreSQL (the test database), Redis, a Celery worker process and an SMTP server.

    The test itself runs with tasks published to Redis rather than run eagerly; every
    email, from the applicant's confirmation to the contact lists, goes through the
    worker to the SMTP server.
    """
    require(connection.vendor == "postgresql", "needs PostgreSQL; TEST_DATABASE_URL chose SQLite")
    redis_url = django_settings.REDIS_URL
    host, port = redis_url.split("//")[1].split("/")[0].split(":")
    require(answers(host, int(port)), f"needs Redis at {host}:{port} (set TEST_REDIS_URL)")
    # The test Redis database holds only test queues: drop what an earlier run left.
    redis.Redis.from_url(redis_url).flushdb()
    smtp = SmtpSink().start()
    worker = CeleryWorker(
        database_url=database_url(connection.settings_dict), redis_url=redis_url, email_url=smtp.url
    )
    celery_app.conf.task_always_eager = False
    worker.start()
    try:
        yield Stack(smtp, worker)
    finally:
        worker.stop()
        smtp.stop()
        celery_app.conf.task_always_eager = True


@pytest.fixture
def danish_site():
    """The site as deployed: Danish by default (settings/base.py), so that a page without a
    language prefix is Danish. Other tests run in English (settings/test.py)."""
    # Reversed URLs are cached per language with the prefix the default language had then.
    clear_url_caches()
    with override_settings(LANGUAGE_CODE=base_settings.LANGUAGE_CODE):
        yield
    clear_url_caches()


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Each test starts with no request counted against the rate limits (network/ratelimits.py):
    they count in the cache, which outlives a test."""
    cache.clear()


@pytest.fixture(autouse=True)
def site_language():
    """Each test starts in the site's default language: a request to /sv/... leaves Swedish
    active in the thread, and the next test's reverse() would build /sv/ links."""
    translation.deactivate()


@pytest.fixture(scope="session", autouse=True)
def postgresql_answers(django_db_blocker):
    """Stop the run before its first test, with one message, when the PostgreSQL that
    TEST_DATABASE_URL chooses does not answer, rather than with a connection error in
    every test."""
    if connection.vendor != "postgresql":
        return
    try:
        # The connection Django opens to create the test database; without the warning
        # that it falls back from the "postgres" database to the test settings' own.
        with (
            warnings.catch_warnings(action="ignore", category=RuntimeWarning),
            django_db_blocker.unblock(),
            connection._nodb_cursor(),
        ):
            pass
    except OperationalError as error:
        named = (
            "TEST_DATABASE_URL names"
            if "TEST_DATABASE_URL" in os.environ
            else "TEST_DATABASE_URL names (unset: postgres://postgres@127.0.0.1:5432/network)"
        )
        where = "{HOST}:{PORT}, user {USER}".format(**connection.settings_dict)
        pytest.exit(
            f"The tests run on the PostgreSQL that {named}, and none answers at {where}:\n"
            f"{error}\n"
            "Start it, set TEST_DATABASE_URL to one that answers, or ask for SQLite, on which\n"
            "the tests that need PostgreSQL skip:\n"
            "    TEST_DATABASE_URL=sqlite:///var/test.sqlite3 pytest",
            returncode=pytest.ExitCode.USAGE_ERROR,
        )


def pytest_configure(config):
    # whitenoise serves from STATIC_ROOT and warns on every request while it is missing.
    django_settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
