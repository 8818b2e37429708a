"""A staff session ends after 30 minutes without a request (SESSION_IDLE_SECONDS), and when
the browser closes: its cookie is kept for the browser's session only."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone

from .signing_in import sign_in


def idle_until(client, end) -> None:
    """As if the session's last request came so long ago that it now ends at `end`."""
    Session.objects.filter(session_key=client.session.session_key).update(expire_date=end)


def test_the_session_cookie_goes_when_the_browser_closes(client, secretariat, settings):
    signed_in = sign_in(client, "sara", "s3cret-pass")

    cookie = signed_in.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie.value
    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""


def test_each_request_keeps_the_session_for_thirty_more_minutes(client, secretariat, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    sign_in(client, "sara", "s3cret-pass")
    idle_until(client, timezone.now() + timedelta(minutes=1))  # 29 minutes idle

    assert client.get(reverse("admin:index")).status_code == 200

    end = Session.objects.get(session_key=client.session.session_key).expire_date
    assert end > timezone.now() + timedelta(minutes=29)


def test_after_thirty_idle_minutes_staff_sign_in_again(client, secretariat):
    sign_in(client, "sara", "s3cret-pass")
    idle_until(client, timezone.now() - timedelta(seconds=1))

    response = client.get(reverse("admin:index"), follow=True)

    assert response.resolver_match.view_name == "two_factor:login"
    assert not response.context["user"].is_authenticated
