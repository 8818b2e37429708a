from __future__ import annotations

import pytest
from django.conf import settings
from django.db import connection

from tests.integration.conftest import WORKER_ENV, running_stack
from tests.stack import SmtpSink, require


@pytest.fixture
def signing_stack(transactional_db):
    """The integration tests' own stack, whose worker signs links with the test's key, so
    that a link it writes into an email works in the test's client."""
    require(connection.vendor == "postgresql", "needs PostgreSQL; TEST_DATABASE_URL chose SQLite")
    worker_env = {**WORKER_ENV, "SECRET_KEY": settings.SECRET_KEY}
    with running_stack(SmtpSink(), worker_env) as stack:
        yield stack
