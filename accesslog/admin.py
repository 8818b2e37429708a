"""The access log in admin: read-only, for staff with the data protection role; and the
mixin that writes it for the admin pages that show a person's or an application's data."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from urllib.parse import urlencode

from django.contrib import admin
from django.contrib.admin.utils import flatten_fieldsets
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from . import services
from .models import AccessRecord, Action


@admin.register(AccessRecord)
class AccessRecordAdmin(admin.ModelAdmin):
    """Filtered by staff user, action and date, searched by pseudonym. Nobody adds, changes or
    deletes a record here, not even a superuser: the pages and services it watches write it."""

    list_display = ["at", "username", "action", "subject_kind", "subject", "changed_fields", "note"]
    list_filter = ["action", "subject_kind", "user"]
    date_hierarchy = "at"
    search_fields = ["subject"]
    search_help_text = _("A pseudonym, exactly: the log of one person or application.")
    fields = readonly_fields = (
        "at",
        "username",
        "user",
        "action",
        "subject_kind",
        "subject",
        "changed_fields",
        "note",
    )
    # Counting a long log costs more than showing one page of it.
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        """The pseudonym as typed or pasted (with or without hyphens), matched exactly and
        through the index; anything else finds nothing."""
        term = search_term.strip()
        if not term:
            return queryset, False
        try:
            pseudonym = uuid.UUID(term)
        except ValueError:
            return queryset.none(), False
        return queryset.filter(subject=pseudonym), False

    @admin.display(description=_("fields changed"))
    def changed_fields(self, entry):
        return ", ".join(entry.fields)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AccessLoggedAdmin(admin.ModelAdmin):
    """An admin whose pages show one person's or one application's personal data: each such
    page shown is logged as viewed, each save as changed (with the names of the fields), each
    deletion as deleted.

    `access_subject` says whose data an object holds, as ("person" | "application",
    pseudonym), or None when it holds nobody's (an erased member's ended membership). By
    default it is the object's own pseudonym, of the kind `access_kind`. A page of the
    admin's own (a decision, a question to the consultant) logs itself with `log_access`.
    An admin that replaces `delete_model` without calling it (erasing a person) logs in
    the service it calls instead.
    """

    access_kind = ""

    def access_subject(self, obj) -> tuple[str, uuid.UUID] | None:
        return self.access_kind, obj.pseudonym

    def log_access(
        self, request, obj, action: str = Action.VIEWED, fields: Iterable[str] = ()
    ) -> None:
        subject = self.access_subject(obj)
        if subject is not None:
            services.record(request.user, action, *subject, fields=fields)

    def _log_shown(self, request, response, key: str):
        """Log the object a page showed, if it showed one (not a redirect or a refusal)."""
        shown = (getattr(response, "context_data", None) or {}).get(key)
        if response.status_code == 200 and shown is not None:
            self.log_access(request, shown)
        return response

    def change_view(self, request, object_id, form_url="", extra_context=None):
        response = super().change_view(request, object_id, form_url, extra_context)
        return self._log_shown(request, response, "original")

    def delete_view(self, request, object_id, extra_context=None):
        response = super().delete_view(request, object_id, extra_context)
        return self._log_shown(request, response, "object")

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)
        return self._log_shown(request, response, "object")

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            fields = list(form.changed_data)
            for formset in formsets:
                inline = formset.model._meta.model_name
                for inline_form in formset.forms:
                    fields += [f"{inline}.{name}" for name in inline_form.changed_data]
            if fields:
                self.log_access(request, form.instance, Action.CHANGED, fields)

    def delete_model(self, request, obj):
        self.log_access(request, obj, Action.DELETED)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.log_access(request, obj, Action.DELETED)
        super().delete_queryset(request, queryset)

    # A link from the page to the log of the person or application it shows, for staff
    # who may read the log.

    def get_readonly_fields(self, request, obj=None):
        fields = super().get_readonly_fields(request, obj)
        if obj is not None and request.user.has_perm("accesslog.view_accessrecord"):
            return [*fields, "access_log"]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if "access_log" in self.get_readonly_fields(request, obj) and (
            "access_log" not in flatten_fieldsets(fieldsets)
        ):
            return [*fieldsets, (_("Access log"), {"fields": ["access_log"]})]
        return fieldsets

    @admin.display(description=_("access log"))
    def access_log(self, obj):
        subject = self.access_subject(obj)
        if subject is None:
            return ""
        url = reverse("admin:accesslog_accessrecord_changelist")
        return format_html(
            '<a href="{}?{}">{}</a>',
            url,
            urlencode({"q": str(subject[1])}),
            _("Who on the staff saw or changed this record"),
        )
