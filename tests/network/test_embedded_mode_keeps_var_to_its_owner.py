"""The embedded mode keeps health data in files under var/: the SQLite database and every
email written to var/mail. Nobody but their owner may read them: var/ and var/mail are
closed to everyone else (settings/local.py, whatever started the process), and the
README's commands (`make run`, `make worker`, `make beat`) also make each file 0600."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys

from ..stack import ROOT, require

VAR = ROOT / "var"


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def send_a_test_email(shell_prefix: str = "") -> list:
    """An email sent by the embedded mode (settings.local, file backend), as `make run`
    would send one; the files it wrote to var/mail."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DATABASE_URL", "REDIS_URL", "EMAIL_URL", "DJANGO_SETTINGS_MODULE")
    }
    before = set((VAR / "mail").glob("*")) if (VAR / "mail").exists() else set()
    command = (
        f"{shell_prefix} {sys.executable} manage.py sendtestemail --skip-checks nobody@example.org"
    )
    result = subprocess.run(  # noqa: S602 (the shell runs the Makefile's own prefix)
        command,
        shell=True,
        cwd=ROOT,
        env={**environment, "DJANGO_SETTINGS_MODULE": "settings.local"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return sorted(set((VAR / "mail").glob("*")) - before)


def test_var_and_its_mail_folder_are_closed_to_everyone_but_their_owner():
    written = send_a_test_email("umask 022 &&")
    try:
        assert len(written) == 1
        assert mode(VAR) == 0o700
        assert mode(VAR / "mail") == 0o700
    finally:
        for path in written:
            path.unlink()


def test_the_readme_commands_write_files_only_their_owner_can_read():
    make = shutil.which("make")
    require(make is not None, "needs make")
    commands = subprocess.run(
        [str(make), "--dry-run", "run", "worker", "beat"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout.splitlines()
    starting = [line for line in commands if "manage.py" in line or "bin/celery" in line]
    assert len(starting) == 6
    prefixes = {line.partition(".venv/")[0] for line in starting}
    assert prefixes == {"umask 077 && "}

    written = send_a_test_email(prefixes.pop())
    try:
        assert [mode(path) for path in written] == [0o600]
    finally:
        for path in written:
            path.unlink()
