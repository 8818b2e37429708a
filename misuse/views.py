from __future__ import annotations

import logging

from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from network.honeypot import honeypot_filled
from network.ratelimits import limited

from . import services
from .forms import ReportForm

logger = logging.getLogger(__name__)


@require_http_methods(["GET", "POST"])
@limited("report", only=lambda request: request.method == "POST")
def report(request):
    token = request.POST.get("list") or request.GET.get("list", "")
    group = services.group_for_link(token) if token else None
    if request.method == "POST":
        if honeypot_filled(request.POST):
            logger.info("report form with its hidden field filled in: not recorded")
            return redirect("misuse:report_sent")
        form = ReportForm(request.POST, group=group)
        if form.is_valid():
            services.submit_report(
                group=group,
                group_as_typed=form.cleaned_data.get("group_as_typed", ""),
                what_happened=form.cleaned_data["what_happened"],
                reporter_name=form.cleaned_data["reporter_name"],
                reporter_email=form.cleaned_data["reporter_email"],
                language=get_language(),
            )
            return redirect("misuse:report_sent")
    else:
        form = ReportForm(initial={"list": token if group else ""}, group=group)
    return render(request, "misuse/report.html", {"form": form, "group": group})


def report_sent(request):
    return render(request, "misuse/report_sent.html")
