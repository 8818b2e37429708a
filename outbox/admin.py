from __future__ import annotations

from django.contrib import admin, messages
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accesslog.admin import AccessLoggedAdmin

from . import composers, services
from .models import OutgoingEmail, failed_first


class KindFilter(admin.SimpleListFilter):
    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        return composers.kinds()

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(kind=self.value())
        return queryset


class TroubleFilter(admin.SimpleListFilter):
    title = _("trouble")
    parameter_name = "trouble"

    def lookups(self, request, model_admin):
        return [
            ("sending_too_long", _("sending for longer than expected")),
            ("sent_more_than_once", _("may have been sent more than once")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "sending_too_long":
            return queryset.sending_longer_than(timezone.now(), services.send_allowance())
        if self.value() == "sent_more_than_once":
            return queryset.sent_more_than_once()
        return queryset


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(AccessLoggedAdmin):
    """Every email the network sends, the failed ones first.

    An email's page shows its recipient's address and what it said: reading it is logged
    against the person or application it was written to, as its kind names them.
    """

    list_display = [
        "recipient",
        "kind_label",
        "about",
        "status",
        "attempts",
        "sending_for",
        "error",
        "created_at",
        "sent_at",
    ]
    list_filter = ["status", KindFilter, TroubleFilter]
    # An address whole, or part of what the email is about: both indexed (migration 0002).
    search_fields = ["=recipient", "about"]
    # Counting a million emails again on each page is not worth it.
    show_full_result_count = False
    date_hierarchy = None
    fields = readonly_fields = (
        "kind_label",
        "about",
        "recipient",
        "status",
        "attempts",
        "sends",
        "interrupted",
        "last_error",
        "note",
        "created_at",
        "retry_after",
        "claimed_at",
        "lease_until",
        "sent_at",
        "subject",
        "text",
    )
    actions = ["resend"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .defer("text", "html")
            .alias(failed_first=failed_first())
            .order_by("failed_first", "-created_at", "-pk")
        )

    def access_subject(self, email):
        return composers.addressee_of(email)

    @admin.display(description=_("kind"), ordering="kind")
    def kind_label(self, email):
        return composers.label_for(email.kind)

    @admin.display(description=_("sending for"))
    def sending_for(self, email):
        if email.status != OutgoingEmail.Status.SENDING or email.claimed_at is None:
            return ""
        seconds = int((timezone.now() - email.claimed_at).total_seconds())
        return _("%(minutes)d min %(seconds)d s") % {
            "minutes": seconds // 60,
            "seconds": seconds % 60,
        }

    @admin.display(description=_("last error"))
    def error(self, email):
        return Truncator(email.last_error).chars(120)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # Read-only: the resend action asks for the change permission, not the form.
        return obj is None and super().has_change_permission(request, obj)

    @admin.action(
        description=_("Send again (failed, or sent but not received)"), permissions=["change"]
    )
    def resend(self, request, queryset):
        count = 0
        for email in queryset:
            try:
                services.resend(email, by=request.user)
            except services.ResendRefused as refusal:
                self.message_user(request, f"{email}: {refusal}", messages.WARNING)
            else:
                count += 1
        self.message_user(
            request,
            ngettext("%d email queued again.", "%d emails queued again.", count) % count,
            messages.SUCCESS,
        )
