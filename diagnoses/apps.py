from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiagnosesConfig(AppConfig):
    name = "diagnoses"
    verbose_name = _("Diagnoses")
