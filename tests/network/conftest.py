"""Running the demo loader as `make run` does, into a var directory of the test's own."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command


@pytest.fixture
def load(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path

    def run() -> str:
        out = io.StringIO()
        call_command("load_demo_data", stdout=out)
        return out.getvalue()

    return run


def printed_login(output: str, who: str = "Staff") -> tuple[str, str]:
    """The user name and password the loader printed for `who` (Staff or Consultant)."""
    found = re.search(rf"{who} login: user (\S+), password (\S+)", output)
    assert found, output
    return found.group(1), found.group(2)
