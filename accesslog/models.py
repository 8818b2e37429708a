"""The access log: who on the staff saw, changed, exported or erased whose personal data.

A plain model rather than django-auditlog. Auditlog's LogEntry keeps the object's text
(`object_repr`: a member's name) and the old and new value of every changed field: the
very personal data that an erasure must remove, kept on in the log that is meant to
outlive it. Its access logging covers class-based detail views, not admin pages, and its
change logging hangs off model signals. Here a record names its subject by a pseudonym (a
random UUID that the person or application carries, and nothing else does), and a change
by the names of the fields that changed, never their values: erasing the person leaves
every record as it was, and no record says who the person was.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Action(models.TextChoices):
    VIEWED = "viewed", _("viewed")
    CHANGED = "changed", _("changed")
    EXPORTED = "exported", _("exported")
    ERASED = "erased", _("erased")
    DELETED = "deleted", _("deleted")


class SubjectKind(models.TextChoices):
    PERSON = "person", _("person")
    APPLICATION = "application", _("application")
    REPORT = "report", _("report of misuse")


class AccessRecord(models.Model):
    """One look at, or change to, one person's or one application's personal data."""

    at = models.DateTimeField(_("at"), default=timezone.now)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff user"),
        # access_by_user below serves the lookups by user.
        db_index=False,
    )
    # The user name as it was, so that a record outlives the staff account it names.
    username = models.CharField(_("user name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    subject_kind = models.CharField(_("kind"), max_length=16, choices=SubjectKind.choices)
    subject = models.UUIDField(_("pseudonym"))
    # The names of the fields that changed; never their values.
    fields = models.JSONField(_("fields changed"), default=list, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("access record")
        verbose_name_plural = _("access log")
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["subject", "-at"], name="access_by_subject"),
            models.Index(fields=["user", "-at"], name="access_by_user"),
            models.Index(fields=["-at"], name="access_by_date"),
        ]

    def __str__(self) -> str:
        return _("%(user)s %(action)s %(kind)s %(subject)s") % {
            "user": self.username or _("not staff"),
            "action": self.get_action_display(),
            "kind": self.get_subject_kind_display(),
            "subject": self.subject,
        }
