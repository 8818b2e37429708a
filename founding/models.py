from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from diagnoses.models import Association, DiagnosisGroup
from members.models import Person
from outbox.models import OutgoingEmail


class GroupReadyToFound(DiagnosisGroup):
    """Diagnosis groups as the secretariat follows them towards an association of their own
    (founding/admin.py lists those large enough, and those on their way)."""

    class Meta:
        proxy = True
        verbose_name = _("group ready for an association")
        verbose_name_plural = _("groups ready for an association")


class FoundingStep(models.Model):
    class Step(models.TextChoices):
        CONTACTED = "contacted", _("members contacted about founding an association")
        MEETING_HELD = "meeting", _("founding meeting held")
        REGISTERED = "registered", _("association registered")
        POINTS_TO_IT = "points", _("group now points to its association")

    group = models.ForeignKey(
        DiagnosisGroup,
        on_delete=models.CASCADE,
        related_name="founding_steps",
        verbose_name=_("diagnosis group"),
    )
    step = models.CharField(_("step"), max_length=16, choices=Step.choices)
    on = models.DateField(_("date"))
    association = models.ForeignKey(
        Association,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("association"),
        help_text=_("The association the group founded: needed when the group points to it."),
    )
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("founding step")
        verbose_name_plural = _("founding steps")
        ordering = ["on", "recorded_at"]

    def __str__(self) -> str:
        return f"{self.get_step_display()} ({self.on})"

    def clean(self) -> None:
        if self.step == self.Step.POINTS_TO_IT and self.association_id is None:
            raise ValidationError({"association": _("Choose the association the group founded.")})


class AssociationNotice(models.Model):
    """The email that told one member where their group's new association is: each member
    is told once per association."""

    group = models.ForeignKey(
        DiagnosisGroup, on_delete=models.CASCADE, related_name="+", verbose_name=_("group")
    )
    association = models.ForeignKey(
        Association, on_delete=models.CASCADE, related_name="+", verbose_name=_("association")
    )
    # Kept without the person once they are erased: the group was told, anonymously.
    person = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("member")
    )
    email = models.OneToOneField(
        OutgoingEmail, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("association notice")
        verbose_name_plural = _("association notices")
        constraints = [
            models.UniqueConstraint(
                fields=["group", "association", "person"], name="one_notice_per_member"
            )
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.association}"
