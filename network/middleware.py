"""Response headers that neither Django nor django-csp sets (settings/base.py has the
Content-Security-Policy)."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase, HttpResponseRedirect
from django.urls import Resolver404, resolve, translate_url
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_vary_headers

# No page of the network uses a camera, a microphone, a location, a payment, a device or a
# sensor, nor tells anyone its visitors' interests: neither may anything injected into one.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in [
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    ]
)


class SecurityHeadersMiddleware:
    """A Permissions-Policy on every response, and Cache-Control: no-store on every one
    whose view did not choose its own caching. Most pages show personal data (a form
    redisplayed with what an applicant typed, an application, a member's details, every
    staff page), so keeping nothing is the default, and a page without any opts in with
    Django's `@cache_control(...)`. Static files are whitenoise's, which runs before this."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if "Cache-Control" not in response.headers:
            add_never_cache_headers(response)
        return response


class PreferredLanguageMiddleware:
    """Offers a visitor their own language on arrival: until they choose a language (the
    switch in the header sets the language cookie), a GET for a page without a language
    prefix, so in the network's default language, is redirected to the same page in the
    first offered language their browser asks for (Accept-Language). A choice made, even
    of the default language, is never overridden.

    Only public pages are concerned, those of i18n_patterns that take no captured value:
    a link that carries a token or an id was sent to someone, in their language, and is
    followed as it is. The staff pages, the sign-in, the language switch and static files
    have no language prefix to go to. The redirect leads to a prefixed address, which is
    never redirected again, and a visitor who chooses the default language is sent to an
    unprefixed page with that choice in their cookie, so nothing loops. Runs after Django's
    LocaleMiddleware."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        target = self.preferred_address(request)
        response = self.get_response(request) if target is None else HttpResponseRedirect(target)
        if request.method in ("GET", "HEAD"):
            # The same unprefixed address answers differently by cookie and browser.
            patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response

    @staticmethod
    def preferred_address(request: HttpRequest) -> str | None:
        if request.method not in ("GET", "HEAD"):
            return None
        if settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
            return None
        if translation.get_language_from_path(request.path_info) is not None:
            return None
        language = translation.get_language_from_request(request)
        if language == settings.LANGUAGE_CODE:
            return None
        with translation.override(settings.LANGUAGE_CODE):
            try:
                match = resolve(request.path_info)
            except Resolver404:
                return None
            if match.args or match.kwargs:
                return None
            address = translate_url(request.get_full_path(), language)
        return None if address == request.get_full_path() else address
