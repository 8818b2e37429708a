from __future__ import annotations

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Count
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .learning import accept_proposed_name, dismiss_proposed_name
from .models import Association, Diagnosis, DiagnosisGroup, DiagnosisName, ProposedName
from .search import find_associations, search_diagnoses
from .services import save_diagnosis


class DiagnosisNameInline(admin.TabularInline):
    """Names in Danish, Swedish, Norwegian, Finnish and English beside Orphanet's. Those
    staff add here are theirs: an Orphanet re-import keeps them."""

    model = DiagnosisName
    fields = ["name", "language", "kind", "source"]
    readonly_fields = ["source"]
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

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Approving an application picks its group by this search: a group with its own
        # association admits no one new, so it is not offered there.
        if (request.GET.get("model_name"), request.GET.get("field_name")) == (
            "application",
            "group",
        ):
            queryset = queryset.filter(status=DiagnosisGroup.Status.OPEN)
        return queryset, may_have_duplicates

    @admin.display(description=_("members"), ordering="active_members")
    def member_count(self, group):
        return group.active_members


@admin.register(Association)
class AssociationAdmin(admin.ModelAdmin):
    list_display = ["name", "country_names", "is_umbrella_member", "diagnosis_count"]
    list_filter = ["is_umbrella_member"]
    search_fields = ["name"]
    # The model's order by name is dropped once the diagnoses are counted (a GROUP BY), and
    # the autocomplete's pages would come in no set order.
    ordering = ["name", "pk"]
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


@admin.register(ProposedName)
class ProposedNameAdmin(admin.ModelAdmin):
    """Names learnt from review (diagnoses/learning.py): staff accept or dismiss each."""

    list_display = ["name", "language", "diagnosis", "status", "proposed_at", "decide"]
    list_filter = ["status", "language"]
    list_select_related = ["diagnosis"]
    search_fields = ["name", "diagnosis__name"]
    # Nothing to edit: a proposal is accepted or dismissed as it was typed.
    readonly_fields = ["name", "language", "diagnosis", "status", "proposed_at", "decided_at"]
    actions = ["accept", "dismiss"]

    def get_urls(self):
        # One click on a proposal's row: its buttons post the list's form (with its CSRF
        # token) here, where only POST is taken.
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/accept/",
                view(require_POST(self.accept_one)),
                name="diagnoses_proposedname_accept",
            ),
            path(
                "<int:pk>/dismiss/",
                view(require_POST(self.dismiss_one)),
                name="diagnoses_proposedname_dismiss",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("decide"))
    def decide(self, proposal):
        if proposal.status != ProposedName.Status.PROPOSED:
            return ""
        return format_html(
            '<button type="submit" class="button" formaction="{}" formmethod="post">{}</button> '
            '<button type="submit" class="button" formaction="{}" formmethod="post">{}</button>',
            reverse("admin:diagnoses_proposedname_accept", args=[proposal.pk]),
            _("Accept “%(name)s”") % {"name": proposal.name},
            reverse("admin:diagnoses_proposedname_dismiss", args=[proposal.pk]),
            _("Dismiss “%(name)s”") % {"name": proposal.name},
        )

    def accept_one(self, request, pk: int):
        return self._decide_one(request, pk, self.accept)

    def dismiss_one(self, request, pk: int):
        return self._decide_one(request, pk, self.dismiss)

    def _decide_one(self, request, pk: int, action):
        if not self.has_change_permission(request):
            raise PermissionDenied
        action(request, ProposedName.objects.filter(pk=pk))
        return redirect("admin:diagnoses_proposedname_changelist")

    def has_add_permission(self, request):
        return False

    def get_queryset(self, request):
        # Proposals still waiting come first.
        waiting = models.Case(
            models.When(status=ProposedName.Status.PROPOSED, then=models.Value(0)),
            default=models.Value(1),
        )
        return super().get_queryset(request).order_by(waiting, "-proposed_at")

    @admin.action(description=_("Accept as names of their diagnoses"), permissions=["change"])
    def accept(self, request, queryset):
        waiting = queryset.filter(status=ProposedName.Status.PROPOSED).select_related("diagnosis")
        for proposal in waiting:
            accept_proposed_name(proposal)
        self.message_user(
            request,
            ngettext(
                "%(count)s name accepted: search finds its diagnosis by it now.",
                "%(count)s names accepted: search finds their diagnoses by them now.",
                len(waiting),
            )
            % {"count": len(waiting)},
            messages.SUCCESS,
        )

    @admin.action(description=_("Dismiss"), permissions=["change"])
    def dismiss(self, request, queryset):
        waiting = list(queryset.filter(status=ProposedName.Status.PROPOSED))
        for proposal in waiting:
            dismiss_proposed_name(proposal)
        self.message_user(
            request,
            ngettext(
                "%(count)s proposal dismissed.", "%(count)s proposals dismissed.", len(waiting)
            )
            % {"count": len(waiting)},
            messages.SUCCESS,
        )
