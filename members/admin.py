from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from diagnoses.models import DiagnosisGroup

from . import services
from .models import Application, ApplicationEvent, Consent, Membership, Person, ReviewQueue


class ApproveForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("Diagnosis group"),
        queryset=DiagnosisGroup.objects.all(),
        required=False,
        empty_label=_("The group that covers the diagnosis (created from it if none does)"),
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, as the applicant will read it"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class ConsentInline(admin.TabularInline):
    model = Consent
    fields = ["kind", "version", "given", "recorded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    fields = ["at", "action", "by", "note", "email_status", "email_attempts", "email_error"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = [
        "full_name",
        "diagnosis_label",
        "country",
        "relationship",
        "status",
        "submitted_at",
        "confirmed_at",
    ]
    list_filter = ["status", "country", "relationship"]
    list_select_related = ["diagnosis"]
    search_fields = ["full_name", "email", "diagnosis_text", "diagnosis__name"]
    date_hierarchy = "submitted_at"
    actions = ["approve", "reject"]
    inlines = [ConsentInline, ApplicationEventInline]
    fieldsets = [
        (_("Applicant"), {"fields": ["full_name", "relationship", "birth_year", "language"]}),
        (
            _("Contact details"),
            {"fields": ["street_address", "postal_code", "city", "country", "phone", "email"]},
        ),
        (_("Diagnosis"), {"fields": ["diagnosis", "diagnosis_text", "note"]}),
        (
            _("Decision"),
            {
                "fields": [
                    "status",
                    "submitted_at",
                    "confirmed_at",
                    "decided_at",
                    "decided_by",
                    "decision_reason",
                    "group",
                    "person",
                ]
            },
        ),
    ]
    readonly_fields = [
        "status",
        "submitted_at",
        "confirmed_at",
        "decided_at",
        "decided_by",
        "decision_reason",
        "group",
        "person",
    ]
    autocomplete_fields = ["diagnosis"]
    change_form_template = "admin/members/application/change_form.html"

    def has_add_permission(self, request):
        return False

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path(
                "<path:object_id>/approve/",
                self.admin_site.admin_view(self.approve_one),
                name=f"{prefix}_approve",
            ),
            path(
                "<path:object_id>/reject/",
                self.admin_site.admin_view(self.reject_one),
                name=f"{prefix}_reject",
            ),
            *super().get_urls(),
        ]

    @admin.action(description=_("Approve into a diagnosis group"), permissions=["change"])
    def approve(self, request, queryset):
        form = ApproveForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._decide(request, queryset, "approve", form)
            return None
        return self._decision_page(request, queryset, form, _("Approve applications"))

    @admin.action(description=_("Reject with a reason"), permissions=["change"])
    def reject(self, request, queryset):
        form = RejectForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._decide(request, queryset, "reject", form)
            return None
        return self._decision_page(request, queryset, form, _("Reject applications"))

    def approve_one(self, request, object_id):
        return self._decide_one(
            request, object_id, ApproveForm, "approve", _("Approve application")
        )

    def reject_one(self, request, object_id):
        return self._decide_one(request, object_id, RejectForm, "reject", _("Reject application"))

    def _decide_one(self, request, object_id, form_class, decision, title):
        application = get_object_or_404(Application, pk=object_id)
        if not self.has_change_permission(request, application):
            raise PermissionDenied
        form = form_class(request.POST if request.method == "POST" else None)
        decided = (
            form.is_bound
            and form.is_valid()
            and self._decide(request, [application], decision, form)
        )
        if decided:
            return redirect("admin:members_reviewqueue_changelist")
        return self._decision_page(request, [application], form, title, single=True)

    def _decide(self, request, applications, decision, form) -> int:
        done = 0
        for application in applications:
            try:
                if decision == "approve":
                    services.approve_application(
                        application, form.cleaned_data["group"], by=request.user
                    )
                else:
                    services.reject_application(
                        application, form.cleaned_data["reason"], by=request.user
                    )
            except services.DecisionNotAllowed as refusal:
                self.message_user(request, f"{application}: {refusal}", messages.ERROR)
            else:
                done += 1
        if done:
            message = (
                ngettext("%d application approved.", "%d applications approved.", done)
                if decision == "approve"
                else ngettext("%d application rejected.", "%d applications rejected.", done)
            )
            self.message_user(request, message % done, messages.SUCCESS)
        return done

    def _decision_page(self, request, applications, form, title, *, single=False):
        return TemplateResponse(
            request,
            "admin/members/decision.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                "applications": applications,
                "form": form,
                "single": single,
                "action": request.POST.get("action", ""),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(ReviewQueue)
class ReviewQueueAdmin(ApplicationAdmin):
    list_display = ["full_name", "diagnosis_label", "country", "relationship", "confirmed_at"]
    list_filter = ["country", "relationship"]
    date_hierarchy = None

    def get_queryset(self, request):
        return super().get_queryset(request).awaiting_review()

    def get_ordering(self, request):
        return ["confirmed_at", "pk"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:members_application_change", object_id)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("members.view_application")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("members.change_application")


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = ["group", "joined_at", "left_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["full_name", "email", "country", "active_groups", "created_at"]
    list_filter = ["country", "relationship"]
    search_fields = ["full_name", "email", "phone"]
    readonly_fields = ["created_at"]
    inlines = [MembershipInline, ConsentInline]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(active_group_count=Count("memberships", filter=Q(memberships__left_at=None)))
        )

    @admin.display(description=_("groups"), ordering="active_group_count")
    def active_groups(self, person):
        return person.active_group_count

    def save_model(self, request, obj, form, change):
        changes = {field: form.cleaned_data[field] for field in form.changed_data}
        services.update_contact_details(obj, changes, by=request.user)

    def has_add_permission(self, request):
        return False


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "group", "joined_at", "left_at"]
    list_filter = ["group"]
    list_select_related = ["person", "group"]
    search_fields = ["person__full_name", "group__name"]
    readonly_fields = ["person", "group", "application", "joined_at", "left_at"]
    actions = ["end_membership"]

    def has_add_permission(self, request):
        return False

    @admin.action(
        description=_("End membership (the member leaves the group)"), permissions=["change"]
    )
    def end_membership(self, request, queryset):
        ended = sum(services.leave_group(membership, by=request.user) for membership in queryset)
        self.message_user(
            request,
            ngettext("%d membership ended.", "%d memberships ended.", ended) % ended,
            messages.SUCCESS,
        )
