from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactListsConfig(AppConfig):
    name = "contactlists"
    verbose_name = _("Contact lists")

    def ready(self) -> None:
        from members.signals import membership_changed, person_erased, personal_data_requested
        from outbox import composers

        from .emails import ContactListComposer, member_of
        from .receivers import forget_erased_person, lists_sent_to, record_membership_change
        from .services import KIND

        membership_changed.connect(record_membership_change, dispatch_uid="contactlists.record")
        person_erased.connect(forget_erased_person, dispatch_uid="contactlists.forget")
        personal_data_requested.connect(lists_sent_to, dispatch_uid="contactlists.export")
        composers.register(KIND, ContactListComposer, label=_("contact list"), addressee=member_of)
