from __future__ import annotations

from django.core import signing
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from . import services
from .forms import SEARCH_BUTTON, AnswerForm, ApplicationForm
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


@require_http_methods(["GET", "POST"])
def answer(request, token: str):
    """Where the applicant answers the secretariat's question, through the emailed link."""
    try:
        application = services.application_for_information_token(token)
    except (signing.BadSignature, Application.DoesNotExist):
        return render(request, "members/confirm_invalid.html", status=400)
    if application.status != Application.Status.AWAITING_INFORMATION:
        return render(request, "members/answered.html", {"application": application})
    form = AnswerForm(request.POST or None)
    if form.is_valid():
        services.answer_information_request(application, form.cleaned_data["answer"])
        return render(request, "members/answered.html", {"application": application})
    return render(
        request,
        "members/answer.html",
        {"form": form, "question": services.open_question(application)},
    )
