from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = _("Import and export of members")

    def ready(self) -> None:
        from members.signals import person_erased

        from .receivers import forget_erased_person

        person_erased.connect(forget_erased_person, dispatch_uid="imports.forget")
