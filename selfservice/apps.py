from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelfServiceConfig(AppConfig):
    """What members do themselves, signed in by an emailed link: on top of the other apps,
    which it calls and which never import it."""

    name = "selfservice"
    verbose_name = _("Self-service")

    def ready(self) -> None:
        from outbox import composers

        from .services import SIGN_IN_EMAIL, SignInComposer

        # Written as it is sent, so that no live link is stored.
        composers.register(SIGN_IN_EMAIL, SignInComposer, label=_("sign-in link"))
