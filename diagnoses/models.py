from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from .text import spellings


class Diagnosis(models.Model):
    """An entry of the diagnosis catalogue, as Orphanet publishes it."""

    class Level(models.TextChoices):
        GROUP = "group", _("group of disorders")
        DISORDER = "disorder", _("disorder")
        SUBTYPE = "subtype", _("subtype of a disorder")

    orpha_code = models.PositiveIntegerField(_("ORPHA code"), unique=True)
    name = models.CharField(_("preferred name"), max_length=255)
    level = models.CharField(
        _("classification level"), max_length=16, choices=Level.choices, default=Level.DISORDER
    )
    icd10_codes = models.CharField(
        _("ICD-10 codes"),
        max_length=255,
        blank=True,
        help_text=_("Separated by spaces, e.g. Q87.1 E34.8"),
    )
    is_active = models.BooleanField(_("active in Orphanet"), default=True)
    # Folded name, synonyms and codes, so that a plain LIKE search finds every spelling.
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("diagnosis")
        verbose_name_plural = _("diagnoses")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} (ORPHA:{self.orpha_code})"

    def refresh_search_text(self) -> None:
        synonyms = self.names.values_list("name", flat=True) if self.pk else []
        parts = [
            self.name,
            *synonyms,
            f"orpha {self.orpha_code} orpha{self.orpha_code}",
            self.icd10_codes,
            self.icd10_codes.replace(".", ""),
        ]
        # The preferred name comes first: search ranks names that start with the query.
        self.search_text = " | ".join(
            dict.fromkeys(
                spelling for part in parts if part for spelling in sorted(spellings(part))
            )
        )


class DiagnosisName(models.Model):
    """A synonym or a translated name of a catalogue entry."""

    diagnosis = models.ForeignKey(
        Diagnosis, on_delete=models.CASCADE, related_name="names", verbose_name=_("diagnosis")
    )
    name = models.CharField(_("name"), max_length=255)
    language = models.CharField(_("language"), max_length=8, default="en")

    class Meta:
        verbose_name = _("diagnosis name")
        verbose_name_plural = _("diagnosis names")
        constraints = [
            models.UniqueConstraint(
                fields=["diagnosis", "language", "name"], name="diagnosis_name_unique"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class DiagnosisGroupQuerySet(models.QuerySet):
    def covering(self, diagnosis: Diagnosis) -> DiagnosisGroupQuerySet:
        return self.filter(diagnoses=diagnosis)


class DiagnosisGroup(models.Model):
    """The people who share one diagnosis and one contact list.

    A group may cover several catalogue entries, e.g. a disorder and its subtypes.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        HAS_ASSOCIATION = "association", _("has its own association")
        CLOSED = "closed", _("closed")

    name = models.CharField(_("name"), max_length=255, unique=True)
    diagnoses = models.ManyToManyField(
        Diagnosis, related_name="groups", blank=True, verbose_name=_("diagnoses")
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.OPEN
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = DiagnosisGroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("diagnosis group")
        verbose_name_plural = _("diagnosis groups")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
