"""The staff roles, as groups of Django permissions: what each kind of staff sees in admin.

A role is granted by adding the user to its group. Calling a role function again brings the
group's permissions back to what is written here.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

SECRETARIAT = "Secretariat"
CONSULTANT = "Medical consultant"
DATA_PROTECTION = "Data protection"
BOARD = "Board"

# The secretariat keeps the catalogue, the groups, the associations, the review of
# applications (consultations included), the members, their contact lists and the outbox.
SECRETARIAT_APPS = [
    "diagnoses",
    "members",
    "contactlists",
    "outbox",
    "overview",
    "founding",
    "misuse",
    "imports",
    "mailings",
    "meetups",
]
# It also sees which staff accounts wrong passwords locked, and lifts a lockout (deleting
# the account's failed attempts) for a colleague who cannot wait for its end.
SECRETARIAT_LOCKOUT_PERMISSIONS = [
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),
]

# The medical consultant reads anonymised cases and answers them, and looks diagnoses up in
# the catalogue: no permission on any model that holds a name, contact detail or note.
CONSULTANT_PERMISSIONS = [
    ("members", "view_consultation"),
    ("members", "change_consultation"),
    ("diagnoses", "view_diagnosis"),
]


# Data protection reads the access log (who on the staff saw or changed whose data) and
# nothing else. The log watches the secretariat, so the secretariat has no permission on it;
# nobody may add, change or delete a record (accesslog/admin.py refuses it even to a
# superuser).
DATA_PROTECTION_PERMISSIONS = [
    ("accesslog", "view_accessrecord"),
]

# The board follows the network on the dashboard (overview/): figures only, never a name.
BOARD_PERMISSIONS = [
    ("overview", "view_dashboard"),
]


def secretariat_role() -> Group:
    """Staff who review applications and look after members: every permission of the
    network's own apps, and the lockouts of staff accounts."""
    return _role(
        SECRETARIAT,
        Q(content_type__app_label__in=SECRETARIAT_APPS) | _only(SECRETARIAT_LOCKOUT_PERMISSIONS),
    )


def consultant_role() -> Group:
    """The medical consultant, who sees the anonymised case and answers the staff's question."""
    return _role(CONSULTANT, _only(CONSULTANT_PERMISSIONS))


def data_protection_role() -> Group:
    """Staff who look after data protection: they read the access log, filtered by person,
    staff user and date."""
    return _role(DATA_PROTECTION, _only(DATA_PROTECTION_PERMISSIONS))


def board_role() -> Group:
    """Members of the network's board: they read the dashboard and nothing else."""
    return _role(BOARD, _only(BOARD_PERMISSIONS))


def _only(permissions: list[tuple[str, str]]) -> Q:
    only = Q(pk__in=[])
    for app_label, codename in permissions:
        only |= Q(content_type__app_label=app_label, codename=codename)
    return only


def _role(name: str, permissions: Q) -> Group:
    role, _created = Group.objects.get_or_create(name=name)
    role.permissions.set(Permission.objects.filter(permissions))
    return role
