from __future__ import annotations

import csv

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.text import capfirst

from . import charts, figures
from .models import Dashboard


@admin.register(Dashboard)
class DashboardAdmin(admin.ModelAdmin):
    """The dashboard in place of a list: figures only, nothing that names a person, so the
    board's read-only role may see it and no read of it is logged."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        """The dashboard and its downloads; no page of a single object, for there is none."""
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "",
                self.admin_site.admin_view(self.changelist_view),
                name="{}_{}_changelist".format(*info),
            ),
            path(
                "<slug:key>.csv",
                self.admin_site.admin_view(self.download),
                name="overview_dashboard_download",
            ),
        ]

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        overview = figures.recent_overview()
        return TemplateResponse(
            request,
            "admin/overview/dashboard.html",
            {
                **self.admin_site.each_context(request),
                "title": capfirst(self.model._meta.verbose_name_plural),
                "opts": self.model._meta,
                "overview": overview,
                "charts": [(table, charts.bar_chart(table)) for table in overview.tables],
                "sees_outbox": request.user.has_perm("outbox.view_outgoingemail"),
            },
        )

    def download(self, request, key: str):
        """One chart's figures as CSV, with the same columns as its table."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        try:
            table = figures.table(key, figures.recent_counts())
        except KeyError:
            raise Http404 from None
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{key}.csv"'
        response.write("\ufeff")
        writer = csv.writer(response)
        writer.writerow(table.columns)
        writer.writerows(table.rows)
        return response
