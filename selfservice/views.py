"""The member's own pages. A member is signed in when the session names their pseudonym
(set by `sign_in_link`); every page here is marked no-store, so that no cache or back
button keeps a list or a member's details."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from contactlists.emails import display_members, list_files
from members import privacy
from members.models import Person
from members.services import change_consent, leave_group, update_contact_details
from network.ratelimits import limited, posted

from . import readable, services
from .forms import ADDRESS_TAKEN, ConsentsForm, DetailsForm, SignInForm

SESSION_KEY = "selfservice.person"


def signed_in_person(request: HttpRequest) -> Person | None:
    pseudonym = request.session.get(SESSION_KEY)
    if pseudonym is None:
        return None
    return Person.objects.filter(pseudonym=pseudonym).first()


def member_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The view is called with the signed-in person; anyone else is asked to sign in."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        person = signed_in_person(request)
        if person is None:
            return redirect("selfservice:sign_in")
        return view(request, person, *args, **kwargs)

    return never_cache(wrapped)


def in_their_language(person: Person, name: str, *args) -> str:
    with translation.override(person.language):
        return reverse(name, args=args)


def as_attachment(response: HttpResponse, filename: str) -> HttpResponse:
    """A download, saved under `filename` (in any script: RFC 6266)."""
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
# Counted per client address and per address typed, whether or not it is a member's: a
# few links an hour for one address, a few more from one place (settings.RATELIMITS).
@limited("sign-in")
@limited("sign-in-email", key=posted("email"))
def sign_in(request: HttpRequest) -> HttpResponse:
    """Ask for a sign-in link. The answer is the same for any address, member's or not."""
    if request.method == "GET" and signed_in_person(request) is not None:
        return redirect("selfservice:membership")
    form = SignInForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            services.ask_for_sign_in_link(form.cleaned_data["email"])
        except services.LinkNotSent:
            return render(request, "selfservice/try_again_later.html", status=503)
        return redirect("selfservice:link_sent")
    return render(request, "selfservice/sign_in.html", {"form": form})


@never_cache
def link_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "selfservice/link_sent.html")


@never_cache
@require_http_methods(["GET", "POST"])
def sign_in_link(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link. Opening it only shows a button: mail scanners that open links
    to check them do not use it up. The button signs in."""
    try:
        if request.method == "GET":
            person = services.person_for_link(token)
            return render(request, "selfservice/sign_in_link.html", {"person": person})
        person = services.use_sign_in_link(token)
    except services.LinkInvalid as error:
        return render(
            request,
            "selfservice/link_invalid.html",
            {"expired": isinstance(error, services.LinkExpired), "form": SignInForm()},
            status=400,
        )
    request.session.cycle_key()
    # The session ends as every session does: when idle a while, or the browser closes.
    request.session[SESSION_KEY] = str(person.pseudonym)
    return redirect(in_their_language(person, "selfservice:membership"))


@never_cache
@require_POST
def sign_out(request: HttpRequest) -> HttpResponse:
    request.session.flush()
    messages.info(request, _("You are signed out."))
    return redirect("selfservice:sign_in")


@member_required
def membership(request: HttpRequest, person: Person) -> HttpResponse:
    return render(
        request,
        "selfservice/membership.html",
        {
            "person": person,
            "group_lists": services.current_lists(person),
            "seen": services.seen_by_group(person),
            "consents": services.consents_of(person),
        },
    )


@member_required
def contact_list_file(
    request: HttpRequest, person: Person, group_id: int, extension: str
) -> HttpResponse:
    """The group's current list as the email attaches it: CSV, Excel or vCard, the same
    name."""
    try:
        contact_list = services.current_list(person, group_id)
    except services.NotAMember as error:
        raise Http404 from error
    members = display_members(contact_list.entries)
    files = list_files(contact_list, members, translation.get_language())
    filename, content, mimetype = next(file for file in files if file[0].endswith(extension))
    response = HttpResponse(content, content_type=mimetype)
    return as_attachment(response, filename)


@member_required
def contact_list_print(request: HttpRequest, person: Person, group_id: int) -> HttpResponse:
    """The group's current list laid out for paper (static/css/print.css): the same people
    and details as the email, for members who print it at home."""
    try:
        contact_list = services.current_list(person, group_id)
    except services.NotAMember as error:
        raise Http404 from error
    return render(
        request,
        "selfservice/contact_list_print.html",
        {
            "person": person,
            "contact_list": contact_list,
            "members": display_members(contact_list.entries),
            "today": timezone.localdate(),
        },
    )


@member_required
@require_http_methods(["GET", "POST"])
def details(request: HttpRequest, person: Person) -> HttpResponse:
    form = DetailsForm(request.POST if request.method == "POST" else None, person=person)
    if form.is_valid():
        try:
            person = update_contact_details(person, form.changes(), by=None)
        except IntegrityError:
            # Another member took the address between the check and the save.
            form.add_error("email", ADDRESS_TAKEN)
        else:
            with translation.override(person.language):
                messages.success(
                    request,
                    _(
                        "Your details are saved. If the change is one your group sees, "
                        "its members are sent an updated list."
                    ),
                )
            return redirect(in_their_language(person, "selfservice:membership"))
    return render(
        request,
        "selfservice/details.html",
        {"form": form, "person": person, "seen": services.seen_by_group(person)},
    )


@member_required
@require_http_methods(["GET", "POST"])
def consents(request: HttpRequest, person: Person) -> HttpResponse:
    states = services.consents_of(person)
    initial = {state.text.kind: state.given for state in states}
    form = ConsentsForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        for kind, given in form.cleaned_data.items():
            change_consent(person, kind, given, by=None)
        messages.success(request, _("Your choices are saved."))
        return redirect("selfservice:membership")
    required = [state for state in states if state.text.required]
    return render(request, "selfservice/consents.html", {"form": form, "required": required})


@member_required
@require_http_methods(["GET", "POST"])
def leave_group_view(request: HttpRequest, person: Person, group_id: int) -> HttpResponse:
    try:
        membership = services.active_membership(person, group_id)
    except services.NotAMember as error:
        raise Http404 from error
    if request.method == "POST":
        leave_group(membership, by=None)
        messages.success(
            request,
            _(
                "You have left the %(group)s group. Its other members are sent a list "
                "without you, and you will receive no more lists from it."
            )
            % {"group": membership.group.name},
        )
        return redirect("selfservice:membership")
    return render(request, "selfservice/leave_group.html", {"membership": membership})


@member_required
@require_http_methods(["GET", "POST"])
def leave_network(request: HttpRequest, person: Person) -> HttpResponse:
    if request.method == "POST":
        goodbye = in_their_language(person, "selfservice:goodbye")
        privacy.leave_network(person)
        request.session.flush()
        return redirect(goodbye)
    return render(
        request,
        "selfservice/leave_network.html",
        {"person": person, "group_lists": services.current_lists(person)},
    )


@never_cache
def goodbye(request: HttpRequest) -> HttpResponse:
    return render(request, "selfservice/goodbye.html")


@member_required
def my_data(request: HttpRequest, person: Person) -> HttpResponse:
    data = privacy.personal_data(person)
    return render(
        request, "selfservice/my_data.html", {"person": person, "sections": readable.tree(data)}
    )


@member_required
def my_data_download(request: HttpRequest, person: Person) -> HttpResponse:
    response = JsonResponse(
        privacy.personal_data(person), json_dumps_params={"indent": 2, "ensure_ascii": False}
    )
    return as_attachment(response, "personal-data.json")
