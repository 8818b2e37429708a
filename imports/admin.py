"""Staff import the members spreadsheet, read the dry run, confirm, follow the import, and
send the imported groups their lists; and export members. Each page calls a service."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accesslog import services as accesslog

from . import exporting, services
from .forms import ChoiceForm, ExportForm, MappingForm, UploadForm
from .models import MemberImport
from .reading import UnreadableFile

# Rows shown on the page: those that need a look first; the report holds every row.
SHOWN_ROWS = 300


@admin.register(MemberImport)
class MemberImportAdmin(admin.ModelAdmin):
    list_display = ["file_name", "created_at", "created_by", "status", "rows_done", "errors_so_far"]
    list_filter = ["status"]
    list_select_related = ["created_by"]
    actions = ["send_lists"]

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("export/", view(self.export_view), name="imports_export"),
            path("<int:pk>/mapping/", view(self.mapping_view), name="imports_mapping"),
            path("<int:pk>/choose/", view(self.choose_view), name="imports_choose"),
            path("<int:pk>/confirm/", view(self.confirm_view), name="imports_confirm"),
            path("<int:pk>/send/", view(self.send_view), name="imports_send"),
            path(
                "<int:pk>/report.<str:file_format>",
                view(self.report_view),
                name="imports_report",
            ),
            *super().get_urls(),
        ]

    def _context(self, request, title: str, **context) -> dict:
        return {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            **context,
        }

    def _import(self, request, pk: int) -> MemberImport:
        if not self.has_change_permission(request):
            raise PermissionDenied
        return get_object_or_404(MemberImport, pk=pk)

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            options = services.ImportOptions(
                consent_source=data["consent_source"],
                consent_date=data["consent_date"].isoformat() if data["consent_date"] else "",
                consent_version=data["consent_version"],
                share_address=data["share_address"],
                share_phone=data["share_phone"],
                share_relationship=data["share_relationship"],
                share_birth_year=data["share_birth_year"],
                language=translation.get_language() or "en",
            )
            try:
                member_import = services.start_import(
                    data["file"].name, data["file"].read(), options, by=request.user
                )
            except UnreadableFile as unreadable:
                form.add_error("file", str(unreadable))
            else:
                return redirect("admin:imports_mapping", member_import.pk)
        return TemplateResponse(
            request,
            "admin/imports/form.html",
            self._context(
                request,
                _("Import members from a spreadsheet"),
                form=form,
                multipart=True,
                submit=_("Upload"),
            ),
        )

    def mapping_view(self, request, pk: int):
        member_import = self._import(request, pk)
        form = MappingForm(member_import.headers, member_import.mapping, request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.map_columns(member_import, form.mapping(), by=request.user)
            except services.ImportRefused as refused:
                form.add_error(None, str(refused))
            else:
                return redirect("admin:imports_memberimport_change", member_import.pk)
        return TemplateResponse(
            request,
            "admin/imports/form.html",
            self._context(
                request,
                _("Which field does each column hold?"),
                form=form,
                original=member_import,
                intro=_(
                    "The mapping is remembered for the next file with the same columns. "
                    "Then comes the dry run: nothing is saved yet."
                ),
                submit=_("Check the rows (dry run)"),
            ),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        member_import = self._import(request, int(object_id))
        outcomes = member_import.outcomes
        waiting: dict[str, list] = {}
        for outcome in outcomes:
            for diagnosis in outcome.get("diagnoses", []):
                if diagnosis.get("candidates"):
                    waiting.setdefault(diagnosis["typed"], diagnosis["candidates"])
        attention = [o for o in outcomes if o["status"] in ("error", "choose")]
        others = [o for o in outcomes if o["status"] not in ("error", "choose")]
        shown = (attention + others)[:SHOWN_ROWS]
        imported = member_import.status == MemberImport.Status.IMPORTED
        headers, rows = exporting.report_rows(shown, imported)
        # The rows name the people found in the database: the page shows their data.
        accesslog.record_each(
            request.user,
            accesslog.Action.VIEWED,
            "person",
            {o["pseudonym"] for o in shown if o.get("pseudonym")},
        )
        return TemplateResponse(
            request,
            "admin/imports/status.html",
            self._context(
                request,
                str(member_import),
                original=member_import,
                counts=_count_labels(member_import.counts),
                headers=headers,
                rows=rows,
                more_rows=len(outcomes) - len(shown),
                choice_form=ChoiceForm(waiting) if waiting else None,
                running=member_import.status
                in (MemberImport.Status.CHECKING, MemberImport.Status.IMPORTING),
                can_confirm=member_import.status == MemberImport.Status.CHECKED
                and member_import.counts.get("ready"),
                groups=member_import.groups.select_related("group") if imported else [],
            ),
        )

    def choose_view(self, request, pk: int):
        member_import = self._import(request, pk)
        if request.method == "POST":
            waiting = {
                d["typed"]: d["candidates"]
                for o in member_import.outcomes
                for d in o.get("diagnoses", [])
                if d.get("candidates")
            }
            form = ChoiceForm(waiting, request.POST)
            if form.is_valid():
                services.choose_diagnoses(member_import, form.choices(), by=request.user)
        return redirect("admin:imports_memberimport_change", pk)

    def confirm_view(self, request, pk: int):
        member_import = self._import(request, pk)
        if request.method == "POST" and services.confirm_import(member_import, by=request.user):
            self.message_user(
                request,
                _("The import has started. Nothing is sent until you send the lists."),
                messages.SUCCESS,
            )
        return redirect("admin:imports_memberimport_change", pk)

    def send_view(self, request, pk: int):
        member_import = self._import(request, pk)
        if request.method == "POST":
            groups = [int(g) for g in request.POST.getlist("group") if g.isdigit()] or None
            sent = services.send_imported_lists(member_import, groups, by=request.user)
            self.message_user(
                request, _("%(n)d groups are sent their new list.") % {"n": sent}, messages.SUCCESS
            )
        return redirect("admin:imports_memberimport_change", pk)

    def report_view(self, request, pk: int, file_format: str):
        member_import = self._import(request, pk)
        if file_format not in exporting.FORMATS:
            raise PermissionDenied
        imported = member_import.status == MemberImport.Status.IMPORTED
        headers, rows = exporting.report_rows(member_import.outcomes, imported)
        accesslog.record_each(
            request.user,
            accesslog.Action.EXPORTED,
            "person",
            {o["pseudonym"] for o in member_import.outcomes if o.get("pseudonym")},
            note="import report",
        )
        return _download(
            exporting.write(headers, rows, file_format),
            file_format,
            f"import-{member_import.pk}-report.{file_format}",
        )

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ExportForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            group = form.cleaned_data["group"]
            file_format = form.cleaned_data["file_format"]
            name = f"members-{group.pk}" if group else "members"
            return _download(
                exporting.export_members(group, file_format, by=request.user),
                file_format,
                f"{name}.{file_format}",
            )
        return TemplateResponse(
            request,
            "admin/imports/form.html",
            self._context(
                request,
                _("Export members"),
                form=form,
                intro=_(
                    "In the layout an import reads: export, correct, and import the file again. "
                    "The export is noted in the access log of every person in it."
                ),
                submit=_("Export"),
            ),
        )

    @admin.action(description=gettext_lazy("Send every imported group its list"))
    def send_lists(self, request, queryset):
        sent = sum(services.send_imported_lists(i, by=request.user) for i in queryset)
        self.message_user(request, _("%(n)d groups are sent their new list.") % {"n": sent})


def _download(content: bytes, file_format: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=exporting.FORMATS[file_format])
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _count_labels(counts: dict) -> list[tuple[str, int]]:
    labels = {
        "rows": _("rows"),
        "ready": _("rows to import"),
        "errors": _("rows with errors (left out)"),
        "to_choose": _("rows waiting for a diagnosis to be chosen"),
        "blank": _("blank rows"),
        "repeated": _("repeated rows"),
        "people_new": _("new people"),
        "people_found_by_email": _("people found by email"),
        "people_found_by_phone": _("people found by phone and name"),
        "people_found_by_name_and_postal_code": _("people found by name and postal code"),
        "people_changed": _("people whose details change"),
        "memberships_new": _("new memberships"),
        "groups_new": _("new groups"),
        "consents_new": _("consents to record"),
    }
    return [(label, counts[key]) for key, label in labels.items() if key in counts]
