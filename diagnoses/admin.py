from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from .models import Association, Diagnosis, DiagnosisGroup, DiagnosisName
from .search import find_associations, search_diagnoses
from .services import save_diagnosis


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


class GroupSizeFilter(admin.SimpleListFilter):
    """Groups by how many members they have now: none, one member alone, or enough to
    found an association (NETWORK_ASSOCIATION_READY_MEMBERS)."""

    title = _("members")
    parameter_name = "members"

    def lookups(self, request, model_admin):
        return [
            ("none", _("none")),
            ("alone", _("one: alone in the group")),
            (
                "ready",
                _("%(size)s or more: could found an association")
                % {"size": settings.NETWORK_ASSOCIATION_READY_MEMBERS},
            ),
        ]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(active_members=0)
        if self.value() == "alone":
            return queryset.filter(active_members=1)
        if self.value() == "ready":
            return queryset.filter(active_members__gte=settings.NETWORK_ASSOCIATION_READY_MEMBERS)
        return queryset


@admin.register(DiagnosisGroup)
class DiagnosisGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "status", "association", "member_count", "created_at"]
    list_filter = ["status", GroupSizeFilter]
    list_select_related = ["association"]
    search_fields = ["name", "diagnoses__name"]
    autocomplete_fields = ["diagnoses", "association"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_member_count()

    @admin.display(description=_("members"), ordering="active_members")
    def member_count(self, group):
        return group.active_members


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = ["name", "country_names", "is_umbrella_member", "diagnosis_count"]
    list_filter = ["is_umbrella_member"]
    search_fields = ["name"]
    autocomplete_fields = ["diagnoses"]
    # A website typed without its scheme is served over https today.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(diagnosis_total=Count("diagnoses"))

    def get_search_results(self, request, queryset, search_term):
        # As the public register finds them: by name, or by a diagnosis they cover.
        if not search_term:
            return queryset, False
        matches = find_associations(search_term).values("pk")
        return queryset.filter(pk__in=matches), False

    @admin.display(description=_("countries"))
    def country_names(self, association):
        return ", ".join(str(country.name) for country in association.countries)

    @admin.display(description=_("diagnoses covered"), ordering="diagnosis_total")
    def diagnosis_count(self, association):
        return association.diagnosis_total
