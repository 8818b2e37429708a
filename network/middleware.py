"""Response headers that neither Django nor django-csp sets (settings/base.py has the
Content-Security-Policy)."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import add_never_cache_headers

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
