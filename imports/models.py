"""Imports of the network's members from a spreadsheet, and what staff chose for them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from diagnoses.models import Diagnosis, DiagnosisGroup


class ColumnMapping(models.Model):
    """Which field each column of a spreadsheet holds, remembered for the next file with
    the same headers, so that staff map a secretariat's layout once."""

    # The folded headers, sorted and joined: the same columns in any order are one layout.
    headers_key = models.CharField(_("headers"), max_length=2000, unique=True)
    # {header as written: field name, or "" for a column left out}
    mapping = models.JSONField(_("mapping"), default=dict)
    updated_at = models.DateTimeField(_("last used"), auto_now=True)

    class Meta:
        verbose_name = _("column mapping")
        verbose_name_plural = _("column mappings")

    def __str__(self) -> str:
        return ", ".join(self.mapping)


class DiagnosisSpelling(models.Model):
    """A diagnosis as a spreadsheet spelled it, and the catalogue entry staff chose for it,
    so that the next import (or the same file again) takes the same entry without asking."""

    typed = models.CharField(_("typed as"), max_length=255, unique=True)
    diagnosis = models.ForeignKey(
        Diagnosis, on_delete=models.CASCADE, related_name="+", verbose_name=_("diagnosis")
    )
    chosen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chosen by"),
    )
    chosen_at = models.DateTimeField(_("chosen"), auto_now=True)

    class Meta:
        verbose_name = _("diagnosis spelling")
        verbose_name_plural = _("diagnosis spellings")

    def __str__(self) -> str:
        return f"{self.typed} → {self.diagnosis}"


class MemberImport(models.Model):
    """One spreadsheet brought in: its rows, the staff's choices, the dry run and the import."""

    class Status(models.TextChoices):
        MAPPING = "mapping", _("columns to map")
        CHECKING = "checking", _("dry run under way")
        CHECKED = "checked", _("dry run done: nothing saved yet")
        IMPORTING = "importing", _("importing")
        IMPORTED = "imported", _("imported")
        FAILED = "failed", _("failed")

    file_name = models.CharField(_("file"), max_length=255)
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.MAPPING
    )
    headers = models.JSONField(_("headers"), default=list)
    # The cells as read, every one a string: [[cell, ...], ...], the header row left out.
    rows = models.JSONField(_("rows"), default=list)
    mapping = models.JSONField(_("mapping"), default=dict)
    # The consent source, date and text version, and the sharing choices, where the sheet
    # gives none (services.ImportOptions).
    options = models.JSONField(_("defaults"), default=dict)
    # What each row came to, in the dry run and then in the import (services.RowOutcome).
    outcomes = models.JSONField(_("outcome of each row"), default=list)
    counts = models.JSONField(_("counts"), default=dict)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    errors_so_far = models.PositiveIntegerField(_("rows with errors so far"), default=0)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    failure = models.TextField(_("why it failed"), blank=True)

    class Meta:
        verbose_name = _("member import")
        verbose_name_plural = _("member imports")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.file_name


class ImportedGroup(models.Model):
    """A group that an import changed (a new member, changed details), which has not been
    sent its new list until staff choose to."""

    member_import = models.ForeignKey(
        MemberImport, on_delete=models.CASCADE, related_name="groups", verbose_name=_("import")
    )
    group = models.ForeignKey(
        DiagnosisGroup, on_delete=models.CASCADE, related_name="+", verbose_name=_("group")
    )
    list_sent_at = models.DateTimeField(_("list sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("imported group")
        verbose_name_plural = _("imported groups")
        ordering = ["group__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["member_import", "group"], name="imported_group_once_per_import"
            ),
        ]

    def __str__(self) -> str:
        return str(self.group)
