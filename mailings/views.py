"""The unsubscribe link of a mailing. Opening it shows a button (mail scanners that open
links must not unsubscribe anyone); a mail program's one-click button (RFC 8058) POSTs to
it directly, without a session or a CSRF token: the signed token is the proof."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import services


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    try:
        person = services.person_for_unsubscribe(token)
    except services.LinkInvalid:
        return render(request, "mailings/unsubscribe_invalid.html", status=400)
    if request.method == "POST":
        services.unsubscribe(person)
        return render(request, "mailings/unsubscribed.html")
    return render(
        request,
        "mailings/unsubscribe.html",
        {"subscribed": services.receives_mailings(person)},
    )
