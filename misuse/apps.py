from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MisuseConfig(AppConfig):
    """Reports that a contact list is being misused: a public form, a queue for the
    secretariat, and suspending a member from a group's lists while it is looked into."""

    name = "misuse"
    verbose_name = _("Reports of misuse")

    def ready(self) -> None:
        from outbox import composers

        from .services import MEMBER_NOTICE, RECEIPT, member_told

        composers.register_stored(RECEIPT, label=_("receipt for a report of misuse"))
        composers.register_stored(
            MEMBER_NOTICE,
            label=_("email to a member: suspended from a group's list, or back on it"),
            addressee=member_told,
        )
