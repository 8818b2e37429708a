from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import FoundingStep, GroupReadyToFound


class FoundingStepInline(admin.TabularInline):
    model = FoundingStep
    fields = ["step", "on", "association", "note", "recorded_by"]
    readonly_fields = ["recorded_by"]
    extra = 1
    autocomplete_fields = ["association"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("recorded_by", "association")

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(GroupReadyToFound)
class GroupReadyToFoundAdmin(admin.ModelAdmin):
    """Groups large enough to found an association (NETWORK_ASSOCIATION_READY_MEMBERS), and
    those on their way, with the steps the secretariat records."""

    list_display = ["name", "size", "joined_last_year", "association_covers", "status"]
    fields = ["name", "status", "association"]
    readonly_fields = ["name", "status", "association"]
    inlines = [FoundingStepInline]
    search_fields = ["name"]
    # The list's count is the groups large enough; counting every group again adds nothing.
    show_full_result_count = False

    def get_queryset(self, request):
        return services.ready_groups()

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("members"), ordering="size")
    def size(self, group):
        return group.size

    @admin.display(description=_("joined in the last year"), ordering="joined_last_year")
    def joined_last_year(self, group):
        return group.joined_last_year

    @admin.display(description=_("an association covers the diagnosis"), boolean=True)
    def association_covers(self, group):
        return group.association_covers

    def save_formset(self, request, form, formset, change):
        """New steps through the service, which acts on the last one; earlier steps'
        notes and dates may be corrected in place."""
        for step in formset.save(commit=False):
            if step.pk is None:
                services.record_step(
                    form.instance,
                    step.step,
                    step.on,
                    by=request.user,
                    note=step.note,
                    association=step.association,
                )
            else:
                step.save()
