from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailingsConfig(AppConfig):
    """Information mailings and the closed online group: on top of members, which never
    imports it."""

    name = "mailings"
    verbose_name = _("Mailings and the online group")

    def ready(self) -> None:
        from members.signals import personal_data_requested
        from outbox import composers

        from . import services
        from .emails import MailingComposer, recipient_of
        from .receivers import mailings_and_online_group

        # Written as it is sent, so that the consent is asked once more, and no live
        # unsubscribe link is stored.
        composers.register(
            services.MAILING_EMAIL,
            MailingComposer,
            label=_("information mailing"),
            addressee=recipient_of,
        )
        composers.register_stored(services.MAILING_TEST_EMAIL, label=_("mailing test"))
        composers.register_stored(services.ONLINE_GROUP_EMAIL, label=_("online group invitation"))
        personal_data_requested.connect(mailings_and_online_group, dispatch_uid="mailings.export")
