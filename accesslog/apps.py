from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccessLogConfig(AppConfig):
    """Who on the staff saw or changed whose personal data: below every app, importing none."""

    name = "accesslog"
    verbose_name = _("Access log")
