"""The staff roles exist on a fresh database after one command, as the README says."""

from __future__ import annotations

from io import StringIO

from django.contrib.auth.models import Group
from django.core.management import call_command


def test_setup_roles_creates_both_roles_and_can_run_again(db):
    call_command("setup_roles", stdout=StringIO())
    Group.objects.get(name="Medical consultant").permissions.clear()

    out = StringIO()
    call_command("setup_roles", stdout=out)

    consultant = Group.objects.get(name="Medical consultant")
    assert set(consultant.permissions.values_list("codename", flat=True)) == {
        "view_consultation",
        "change_consultation",
        "view_diagnosis",
    }
    assert (
        Group.objects.get(name="Secretariat")
        .permissions.filter(codename="change_application")
        .exists()
    )
    assert "Medical consultant: 3 permissions" in out.getvalue()
