"""Every page of the network, public or staff, carries a strict Content-Security-Policy (the
app's own scripts and styles, nothing inline, no framing), a Permissions-Policy that
denies camera, microphone, location, payment and devices, and Cache-Control: no-store,
so that no browser or proxy keeps a page with personal data on it. No page relies on
inline script or style, which the policy would block. In production the language cookie
is sent over HTTPS only."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import uuid
from html.parser import HTMLParser
from urllib.parse import urlparse

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import IntConverter, UUIDConverter

from members import services

from ..members.conftest import confirmed, submitted
from ..stack import ROOT
from .test_production_settings_come_from_the_environment import FULL_ENVIRONMENT

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"]


def public_urls(resolver: URLResolver | None = None, namespace: str = "") -> list[str]:
    """A URL for every route outside the admin, its parameters filled with values no
    record has (a token that does not verify, a group that does not exist)."""
    urls = []
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("admin/"):
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            urls += public_urls(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            kwargs = {
                name: 999_999
                if isinstance(converter, IntConverter)
                else uuid.uuid4()
                if isinstance(converter, UUIDConverter)
                else "not-a-valid-token"
                for name, converter in entry.pattern.converters.items()
            }
            urls.append(reverse(f"{namespace}{entry.name}", kwargs=kwargs))
    return urls


class InlineCode(HTMLParser):
    """Script and style written into the page itself, which the policy blocks."""

    def __init__(self, html: str):
        super().__init__()
        self.found: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script" and not attrs.get("src"):
            self.found.append("<script> without src")
        if tag == "style":
            self.found.append("<style>")
        for name, value in attrs.items():
            if name == "style" or name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}=javascript:")


def policy_of(response) -> dict[str, list[str]]:
    directives = [part.split() for part in response["Content-Security-Policy"].split(";")]
    return {name: sources for name, *sources in directives}


def assert_protected(response) -> None:
    path = response.wsgi_request.path
    assert policy_of(response) == POLICY, path
    permissions = response["Permissions-Policy"]
    for feature in DENIED_FEATURES:
        assert f"{feature}=()" in permissions, (path, feature)
    assert "no-store" in response["Cache-Control"], path
    assert response["X-Content-Type-Options"] == "nosniff", path
    assert response["Referrer-Policy"] == "same-origin", path
    assert response["X-Frame-Options"] == "DENY", path
    if response["Content-Type"].startswith("text/html"):
        assert InlineCode(response.content.decode()).found == [], path


def test_every_public_page_carries_the_headers(db, client, alstrom):
    urls = public_urls()
    for expected in ["/", "/apply/", "/associations/", "/privacy/"]:
        assert expected in urls
    assert any(url.startswith("/apply/confirm/") for url in urls)
    assert any(url.startswith("/apply/answer/") for url in urls)

    for url in urls:
        response = client.get(url)
        assert response.status_code < 500, url
        assert_protected(response)


def link_in(mail, path: str) -> str:
    """The path of the link to `path` in an email, as the applicant follows it."""
    return urlparse(re.search(rf"https?://\S+{path}\S+/", mail.body).group(0)).path


def test_pages_showing_what_an_applicant_typed_carry_the_headers(
    db, client, alstrom, secretariat, applicant_data, mailoutbox, django_capture_on_commit_callbacks
):
    redisplayed = client.post(reverse("members:apply"), {**applicant_data, "email": "not-valid"})
    assert redisplayed.status_code == 200
    assert "Freja Christensen" in redisplayed.content.decode()
    assert_protected(redisplayed)

    with django_capture_on_commit_callbacks(execute=True):
        submitted("Aud Hansen", alstrom)
    confirmed_page = client.get(link_in(mailoutbox[-1], "/apply/confirm/"))
    assert confirmed_page.status_code == 200
    assert_protected(confirmed_page)

    asked = confirmed("Ingrid Lund", alstrom)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_information(asked, "Which doctor made the diagnosis?", by=secretariat)
    answer = link_in(mailoutbox[-1], "/apply/answer/")
    question = client.get(answer)
    assert "Which doctor made the diagnosis?" in question.content.decode()
    assert_protected(question)
    assert_protected(client.post(answer, {"answer": ""}))


def test_the_staff_pages_carry_the_headers(db, client, alstrom, secretariat):
    assert_protected(client.get(reverse("admin:login")))
    application = confirmed("Aud Hansen", alstrom)
    client.force_login(secretariat)

    for url in [
        reverse("admin:index"),
        reverse("admin:members_application_changelist"),
        reverse("admin:members_application_change", args=[application.pk]),
        reverse("admin:members_person_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_protected(response)


def test_in_production_the_language_cookie_goes_over_https_only():
    result = subprocess.run(
        [sys.executable, "manage.py", "diffsettings"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "settings.production", **FULL_ENVIRONMENT},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    settings = result.stdout.splitlines()
    assert "LANGUAGE_COOKIE_SECURE = True" in settings
    assert "LANGUAGE_COOKIE_HTTPONLY = True" in settings
    assert "LANGUAGE_COOKIE_SAMESITE = 'Lax'" in settings
