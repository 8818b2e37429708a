from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = _("Members")

    def ready(self) -> None:
        from outbox import composers

        from .emails import applicant_of
        from .services import APPLICANT_EMAIL, APPLIED_AGAIN_EMAIL

        # Written in full when the decision is made (staff may have edited it): stored.
        composers.register_stored(
            APPLICANT_EMAIL, label=_("email to an applicant"), addressee=applicant_of
        )
        composers.register_stored(
            APPLIED_AGAIN_EMAIL,
            label=_("email to an applicant: their address was used to apply again"),
            addressee=applicant_of,
        )
