from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FoundingConfig(AppConfig):
    """Groups large enough to found their own patient association, the steps the
    secretariat helps them through, and the one email that tells a group's members where
    their association is."""

    name = "founding"
    verbose_name = _("Founding associations")

    def ready(self) -> None:
        from outbox import composers

        from .services import NOTICE_EMAIL, member_told

        composers.register_stored(
            NOTICE_EMAIL,
            label=_("email to a group's members: the group has its own association"),
            addressee=member_told,
        )
