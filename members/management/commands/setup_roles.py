from __future__ import annotations

from django.core.management.base import BaseCommand

from members.roles import board_role, consultant_role, data_protection_role, secretariat_role


class Command(BaseCommand):
    help = (
        "Create the staff roles (the secretariat, the medical consultant, data protection "
        "and the board) as groups of permissions, or bring them back to what the code says. "
        "Run after each migrate; grant a role by adding the user to its group in admin."
    )

    def handle(self, *args, **options):
        for role in (secretariat_role(), consultant_role(), data_protection_role(), board_role()):
            self.stdout.write(f"{role.name}: {role.permissions.count()} permissions")
