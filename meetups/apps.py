from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetupsConfig(AppConfig):
    """The yearly meetup: invitations, registrations, the waiting list, reminders. On top of
    members (and of mailings, for the texts per language); neither imports it."""

    name = "meetups"
    verbose_name = _("Meetups")

    def ready(self) -> None:
        from members.signals import person_erased, personal_data_requested
        from outbox import composers

        from .emails import MeetupComposer, member_of
        from .receivers import give_up_places, registrations_of
        from .services import KIND

        composers.register(KIND, MeetupComposer, label=_("meetup"), addressee=member_of)
        person_erased.connect(give_up_places, dispatch_uid="meetups.erased")
        personal_data_requested.connect(registrations_of, dispatch_uid="meetups.export")
