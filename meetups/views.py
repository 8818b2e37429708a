"""The member's meetup pages, reached through the signed link in their invitation."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from kombu.exceptions import OperationalError as BrokerUnreachable

from network.ratelimits import limited, posted

from . import links, services
from .forms import NewLinkForm, RegistrationForm
from .models import Registration


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "meetups/link_invalid.html", {"form": NewLinkForm()}, status=400)


def _page_context(registration: Registration) -> dict:
    event = registration.event
    language = translation.get_language() or registration.person.language
    return {
        "registration": registration,
        "event": event,
        "title": event.title(language),
        "description": event.description(language),
        "price_note": event.price_note(language),
        "free": services.free_places(event),
        "someone_waiting": event.registrations.waiting().exists(),
        "waiting_position": services.waiting_position(registration),
    }


@never_cache
@require_http_methods(["GET", "POST"])
def registration_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registration = links.registration_for(token)
    except links.LinkInvalid:
        return _invalid(request)
    context = _page_context(registration)
    event = registration.event
    if timezone.now() >= event.starts_at or not services.is_open(event):
        return render(request, "meetups/closed.html", context)
    answered = registration.status in (Registration.Status.CONFIRMED, Registration.Status.WAITING)
    full = not answered and (context["free"] < 1 or context["someone_waiting"])
    if answered:
        label = _("Save the changes")
    elif full:
        label = _("Join the waiting list")
    else:
        label = _("Register")
    initial = None
    if answered:
        initial = {
            "adults": registration.adults,
            "children": registration.children,
            "dietary_needs": registration.dietary_needs,
            "accessibility_needs": registration.accessibility_needs,
            "note": registration.note,
        }
    form = RegistrationForm(
        request.POST if request.method == "POST" else None, initial=initial, submit_label=label
    )
    if form.is_valid():
        try:
            registration = services.register(registration, **form.cleaned_data)
        except services.RegistrationClosed:
            return render(request, "meetups/closed.html", _page_context(registration))
        except services.NotEnoughPlaces as refusal:
            form.add_error(
                "adults",
                _(
                    "Only %(most)d places are free for you: you keep your places as they were. "
                    "Register fewer people, or cancel and join the waiting list."
                )
                % {"most": refusal.most},
            )
        else:
            if registration.status == Registration.Status.CONFIRMED:
                messages.success(request, _("You are registered. We have sent you an email."))
            else:
                messages.info(
                    request,
                    _(
                        "The meetup is full, so you are on the waiting list. We email you "
                        "as soon as a place is yours."
                    ),
                )
            return redirect(request.path)
    return render(request, "meetups/registration.html", {**context, "form": form, "full": full})


@never_cache
@require_http_methods(["GET", "POST"])
def cancel_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        registration = links.registration_for(token)
    except links.LinkInvalid:
        return _invalid(request)
    context = _page_context(registration)
    if not services.is_open(registration.event):
        return render(request, "meetups/closed.html", context)
    if request.method == "POST":
        services.cancel(registration, by=None)
        messages.success(request, _("Your registration is cancelled. We have sent you an email."))
        return redirect("meetups:registration", token)
    return render(request, "meetups/cancel.html", {**context, "token": token})


@never_cache
@require_http_methods(["GET", "POST"])
# Counted per client address and per address typed, as the sign-in links are.
@limited("meetup-link")
@limited("meetup-link-email", key=posted("email"))
def new_link(request: HttpRequest) -> HttpResponse:
    """Ask for a new link. The answer is the same for any address."""
    form = NewLinkForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        from .tasks import send_new_link_task

        try:
            send_new_link_task.apply_async(args=(form.cleaned_data["email"],))
        except BrokerUnreachable:
            return render(request, "meetups/try_again_later.html", status=503)
        return redirect("meetups:new_link_sent")
    return render(request, "meetups/new_link.html", {"form": form})


@never_cache
def new_link_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "meetups/new_link_sent.html")
