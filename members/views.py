from __future__ import annotations

from django.core import signing
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from . import services
from .forms import SEARCH_BUTTON, ApplicationForm
from .models import Application


@require_http_methods(["GET", "POST"])
def apply(request):
    if request.method == "POST" and SEARCH_BUTTON in request.POST:
        # A catalogue search is not a submission: show the matches, no errors yet.
        form = ApplicationForm(initial=request.POST.dict())
    elif request.method == "POST":
        form = ApplicationForm(request.POST)
        if form.is_valid():
            try:
                services.submit_application(form.applicant_details(get_language()), form.consents())
            except services.ApplicationRefused as refusal:
                form.add_error("email", str(refusal))
            else:
                return redirect("members:application_sent")
    else:
        form = ApplicationForm()
    return render(request, "members/apply.html", {"form": form})


def application_sent(request):
    return render(request, "members/application_sent.html")


def confirm(request, token: str):
    try:
        application = services.application_for_token(token)
    except (signing.BadSignature, Application.DoesNotExist):
        return render(request, "members/confirm_invalid.html", status=400)
    services.confirm_email(application)
    return render(request, "members/confirmed.html", {"application": application})
