from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accesslog.admin import AccessLoggedAdmin

from . import services
from .models import MisuseReport, ReportEvent, Suspension


class ReportForm(forms.ModelForm):
    note = forms.CharField(
        label=_("Add a note to the log"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = MisuseReport
        fields = ["status"]


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    fields = ["at", "action", "note", "by"]
    readonly_fields = ["at", "action", "note", "by"]
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("by")

    def has_add_permission(self, request, obj=None):
        return False


class SuspensionInline(admin.TabularInline):
    model = Suspension
    fields = ["membership", "started_at", "lifted_at"]
    readonly_fields = ["membership", "started_at", "lifted_at"]
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request):
        return (
            super().get_queryset(request).select_related("membership__person", "membership__group")
        )

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(MisuseReport)
class MisuseReportAdmin(AccessLoggedAdmin):
    """The queue of reports, newest first; each with its log, and the suspensions made
    because of it (a suspension is made under Suspensions, naming the report)."""

    access_kind = "report"
    form = ReportForm
    list_display = ["__str__", "status", "group", "summary", "received_at"]
    list_filter = ["status"]
    list_select_related = ["group"]
    fields = [
        "status",
        "note",
        "received_at",
        "group",
        "group_as_typed",
        "what_happened",
        "reporter_name",
        "reporter_email",
        "language",
    ]
    readonly_fields = [
        "received_at",
        "group",
        "group_as_typed",
        "what_happened",
        "reporter_name",
        "reporter_email",
        "language",
    ]
    inlines = [SuspensionInline, ReportEventInline]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("what happened"))
    def summary(self, report):
        return Truncator(report.what_happened).chars(80)

    def save_model(self, request, obj, form, change):
        services.change_status(obj, form.cleaned_data["status"], by=request.user)
        if form.cleaned_data["note"].strip():
            services.add_note(obj, form.cleaned_data["note"], by=request.user)


class SuspensionForm(forms.ModelForm):
    note = forms.CharField(
        label=_("Note for the report's log"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Suspension
        fields = ["report", "membership"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "report" in self.fields:
            # Few are open at a time: a list, not a search.
            self.fields["report"].queryset = MisuseReport.objects.exclude(
                status=MisuseReport.Status.CLOSED
            )

    def clean(self):
        cleaned = super().clean()
        membership = cleaned.get("membership")
        if membership is not None and (membership.left_at or membership.suspended_at):
            self.add_error(
                "membership", _("This member is not on the group's list: nothing to suspend.")
            )
        return cleaned


@admin.register(Suspension)
class SuspensionAdmin(AccessLoggedAdmin):
    """Suspend a member from a group's lists because of a report: the group gets a new
    list without them, and they are told. "Lift" puts them back."""

    form = SuspensionForm
    list_display = ["membership", "report", "started_at", "lifted_at"]
    list_filter = [("lifted_at", admin.EmptyFieldListFilter)]
    list_select_related = ["membership__person", "membership__group", "report"]
    autocomplete_fields = ["membership"]
    actions = ["lift"]

    def access_subject(self, suspension):
        person = suspension.membership.person
        return None if person is None else ("person", person.pseudonym)

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["report", "membership", "note"]
        return ["report", "membership", "started_at", "lifted_at"]

    def get_readonly_fields(self, request, obj=None):
        return [] if obj is None else ["report", "membership", "started_at", "lifted_at"]

    def get_changeform_initial_data(self, request):
        return {"report": request.GET.get("report")}

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            return
        suspension = services.suspend(
            obj.report, obj.membership, by=request.user, note=form.cleaned_data["note"]
        )
        obj.pk = suspension.pk

    @admin.action(description=_("Lift the suspension (the member is back on the list)"))
    def lift(self, request, queryset):
        lifted = sum(services.lift(suspension, by=request.user) for suspension in queryset)
        self.message_user(
            request,
            ngettext("%(n)d suspension lifted.", "%(n)d suspensions lifted.", lifted)
            % {"n": lifted},
            messages.SUCCESS,
        )
