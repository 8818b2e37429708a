from __future__ import annotations

import logging

from django.core import signing
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods

from network.honeypot import honeypot_filled
from network.ratelimits import limited, over_limit

from . import services
from .forms import SEARCH_BUTTON, AnswerForm, ApplicationForm
from .models import Application

logger = logging.getLogger(__name__)


def is_search(request) -> bool:
    return SEARCH_BUTTON in request.POST


def is_submission(request) -> bool:
    return SEARCH_BUTTON not in request.POST


@require_http_methods(["GET", "POST"])
@limited("search", only=is_search)
@limited("apply", only=is_submission)
def apply(request):
    if request.method == "POST" and SEARCH_BUTTON in request.POST:
        # A catalogue search is not a submission: show the matches, no errors yet.
        form = ApplicationForm(initial=request.POST.dict())
    elif request.method == "POST":
        if honeypot_filled(request.POST):
            # A robot: answered as if the application were taken, and nothing is kept.
            logger.info("sign-up form with its hidden field filled in: not recorded")
            return redirect("members:application_sent")
        form = ApplicationForm(request.POST)
        if form.is_valid():
            details = form.applicant_details(get_language())
            refusal = over_limit(request, "apply-email", details.email.strip().lower())
            if refusal is not None:
                return refusal
            try:
                services.submit_application(details, form.consents())
            except services.AlreadyApplied:
                # The same page as for a new application: the owner of the address is told.
                pass
            except services.ApplicationRefused as refusal:
                form.add_error(None, str(refusal))
                return render(request, "members/apply.html", {"form": form})
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
@limited("answer")
def answer(request, token: str):
    """Where the applicant answers the secretariat's question, through the emailed link.
    The link answers its own question only, while that is the latest and still open."""
    try:
        application, question = services.question_for_token(token)
    except (signing.BadSignature, Application.DoesNotExist):
        return render(request, "members/confirm_invalid.html", status=400)
    if not services.is_open_question(application, question):
        return _answer_link_closed(request, application, question)
    form = AnswerForm(request.POST or None)
    if form.is_valid():
        taken = services.answer_information_request(
            application, form.cleaned_data["answer"], question=question
        )
        if not taken:
            application.refresh_from_db()
            return _answer_link_closed(request, application, question)
        application.refresh_from_db()
        return render(request, "members/answered.html", {"application": application})
    return render(
        request,
        "members/answer.html",
        {"form": form, "question": services.open_question(application)},
    )


def _answer_link_closed(request, application: Application, question: int):
    """A link whose question is answered, replaced by a newer one, or whose application
    was decided: it takes no answer, and says no more than the link's owner needs."""
    if (
        application.status == Application.Status.AWAITING_REVIEW
        and services.questions_asked(application) == question
    ):
        # Answered, and back in the queue: what the applicant saw when they answered.
        return render(request, "members/answered.html", {"application": application})
    newer = services.questions_asked(application) > question
    return render(request, "members/answer_closed.html", {"newer_question": newer}, status=410)
