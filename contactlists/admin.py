from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from outbox.models import OutgoingEmail

from .models import ContactList, Delivery


class DeliveryInline(admin.TabularInline):
    model = Delivery
    fields = readonly_fields = (
        "person",
        "is_welcome",
        "status",
        "attempts",
        "last_error",
        "sent_at",
        "outgoing",
    )
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("contact_list__group", "person", "email")
            .defer("contact_list__entries", "email__text", "email__html")
        )

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("status"))
    def status(self, delivery):
        return delivery.email.get_status_display()

    @admin.display(description=_("attempts"))
    def attempts(self, delivery):
        return delivery.email.attempts

    @admin.display(description=_("last error"))
    def last_error(self, delivery):
        return delivery.email.last_error

    @admin.display(description=_("sent"))
    def sent_at(self, delivery):
        return delivery.email.sent_at

    @admin.display(description=_("outgoing email"))
    def outgoing(self, delivery):
        url = reverse("admin:outbox_outgoingemail_change", args=[delivery.email_id])
        return format_html('<a href="{}">{}</a>', url, _("details, send again"))


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
                delivered=Count(
                    "deliveries", filter=Q(deliveries__email__status=OutgoingEmail.Status.SENT)
                ),
                undeliverable=Count(
                    "deliveries", filter=Q(deliveries__email__status=OutgoingEmail.Status.FAILED)
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
