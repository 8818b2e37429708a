"""The overview has no table of its own: it counts what the other apps keep. Its one model
exists for the admin: it puts the dashboard on the admin's index and gives it the
permission that the secretariat and the board's read-only role hold."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dashboard(models.Model):
    class Meta:
        managed = False
        default_permissions = ("view",)
        verbose_name = _("dashboard")
        verbose_name_plural = _("dashboard")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)
