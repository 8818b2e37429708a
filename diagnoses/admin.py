from __future__ import annotations

from django.contrib import admin
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .models import Diagnosis, DiagnosisGroup, DiagnosisName
from .services import save_diagnosis, search_diagnoses


class DiagnosisNameInline(admin.TabularInline):
    model = DiagnosisName
    extra = 1


@admin.register(Diagnosis)
class DiagnosisAdmin(admin.ModelAdmin):
    list_display = ["name", "orpha_code", "level", "icd10_codes", "prevalence", "is_active"]
    list_filter = ["level", "is_active", "prevalence"]
    search_fields = ["name"]
    # The catalogue holds about 10,000 entries: pick parents and replacements by search.
    autocomplete_fields = ["parents", "replaced_by"]
    inlines = [DiagnosisNameInline]

    def get_search_results(self, request, queryset, search_term):
        if not search_term:
            return queryset, False
        matches = search_diagnoses(search_term, limit=50).values("pk")
        return queryset.filter(pk__in=matches), False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        save_diagnosis(form.instance)


@admin.register(DiagnosisGroup)
class DiagnosisGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "member_count", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "diagnoses__name"]
    autocomplete_fields = ["diagnoses"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(active_members=Count("memberships", filter=Q(memberships__left_at=None)))
        )

    @admin.display(description=_("members"), ordering="active_members")
    def member_count(self, group):
        return group.active_members
