from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import ContactList, Delivery


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = ["person", "is_welcome", "status", "attempts", "last_error", "sent_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("contact_list__group", "person")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ContactList)
class ContactListAdmin(admin.ModelAdmin):
    list_display = ["group", "version", "created_at", "member_count", "sent", "failed"]
    list_filter = ["group"]
    list_select_related = ["group"]
    search_fields = ["group__name"]
    readonly_fields = ["group", "version", "created_at"]
    exclude = ["entries"]
    inlines = [DeliveryInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                delivered=Count("deliveries", filter=Q(deliveries__status=Delivery.Status.SENT)),
                undeliverable=Count(
                    "deliveries", filter=Q(deliveries__status=Delivery.Status.FAILED)
                ),
            )
        )

    @admin.display(description=_("members"))
    def member_count(self, contact_list):
        return len(contact_list.entries)

    @admin.display(description=_("sent"), ordering="delivered")
    def sent(self, contact_list):
        return contact_list.delivered

    @admin.display(description=_("failed"), ordering="undeliverable")
    def failed(self, contact_list):
        return contact_list.undeliverable

    def has_add_permission(self, request):
        return False


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["contact_list", "person", "status", "attempts", "last_error", "sent_at"]
    list_filter = ["status"]
    list_select_related = ["contact_list__group", "person"]
    search_fields = ["person__full_name", "person__email", "contact_list__group__name"]
    readonly_fields = [
        "contact_list",
        "person",
        "is_welcome",
        "status",
        "attempts",
        "last_error",
        "claimed_at",
        "next_attempt_at",
        "sent_at",
    ]
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    @admin.action(
        description=_("Send again (current list, failed or not received)"), permissions=["change"]
    )
    def resend(self, request, queryset):
        resendable = queryset.filter(
            status__in=[Delivery.Status.FAILED, Delivery.Status.SENT]
        ).select_related("contact_list")
        count = 0
        for delivery in resendable:
            try:
                services.resend(delivery)
            except services.ResendRefused as refusal:
                self.message_user(request, f"{delivery}: {refusal}", messages.WARNING)
            else:
                count += 1
        self.message_user(
            request,
            ngettext("%d delivery queued again.", "%d deliveries queued again.", count) % count,
            messages.SUCCESS,
        )
