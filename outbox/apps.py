from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OutboxConfig(AppConfig):
    """The one outbox of outgoing email, below every app that sends: it imports none of them."""

    name = "outbox"
    verbose_name = _("Outgoing email")

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
