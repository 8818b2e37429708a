"""The staff roles, as groups of Django permissions: what each kind of staff sees in admin.

A role is granted by adding the user to its group. Calling a role function again brings the
group's permissions back to what is written here.
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

SECRETARIAT = "Secretariat"
CONSULTANT = "Medical consultant"

# The secretariat keeps the catalogue, the groups, the associations, the review of
# applications (consultations included), the members, their contact lists and the outbox.
SECRETARIAT_APPS = ["diagnoses", "members", "contactlists", "outbox"]

# The medical consultant reads anonymised cases and answers them, and looks diagnoses up in
# the catalogue: no permission on any model that holds a name, contact detail or note.
CONSULTANT_PERMISSIONS = [
    ("members", "view_consultation"),
    ("members", "change_consultation"),
    ("diagnoses", "view_diagnosis"),
]


def secretariat_role() -> Group:
    """Staff who review applications and look after members: every permission of the
    network's own apps."""
    return _role(SECRETARIAT, Q(content_type__app_label__in=SECRETARIAT_APPS))


def consultant_role() -> Group:
    """The medical consultant, who sees the anonymised case and answers the staff's question."""
    only = Q(pk__in=[])
    for app_label, codename in CONSULTANT_PERMISSIONS:
        only |= Q(content_type__app_label=app_label, codename=codename)
    return _role(CONSULTANT, only)


def _role(name: str, permissions: Q) -> Group:
    role, _created = Group.objects.get_or_create(name=name)
    role.permissions.set(Permission.objects.filter(permissions))
    return role
