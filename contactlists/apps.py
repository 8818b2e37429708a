from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactListsConfig(AppConfig):
    name = "contactlists"
    verbose_name = _("Contact lists")

    def ready(self) -> None:
        from members.signals import membership_changed
        from outbox import composers

        from .emails import ContactListComposer
        from .receivers import record_membership_change
        from .services import KIND

        membership_changed.connect(record_membership_change, dispatch_uid="contactlists.record")
        composers.register(KIND, ContactListComposer, label=_("contact list"))
