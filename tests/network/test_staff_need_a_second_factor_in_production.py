"""In production every staff account needs a second factor to reach admin: a code from an
authenticator app, or one of its recovery codes, each good once. Staff who signed in with a
password alone see no admin page; without an app yet, they are sent to set one up, and
setting it up ends on their recovery codes. (The embedded mode and the tests sign in with
the password alone: STAFF_TWO_FACTOR_REQUIRED is off there.)"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from network.sign_in import issue_recovery_codes

from ..stack import ROOT
from .signing_in import code_of, give_code, give_recovery_code, sign_in
from .test_production_settings_come_from_the_environment import REQUIRED
from .test_public_pages_load_nothing_from_other_hosts import is_own, links_of

PASSWORD = "s3cret-pass"  # the personas' (tests/conftest.py)


@pytest.fixture
def production(settings):
    settings.STAFF_TWO_FACTOR_REQUIRED = True


@pytest.fixture
def app_of(db):
    """An authenticator app set up for `user`, as two_factor's setup leaves it."""

    def set_up(user) -> TOTPDevice:
        return TOTPDevice.objects.create(user=user, name="default", confirmed=True)

    return set_up


def view_of(response) -> str:
    return response.resolver_match.view_name


def test_production_requires_the_second_factor_whatever_the_environment_says():
    environment = {
        **REQUIRED,
        "DJANGO_SETTINGS_MODULE": "settings.production",
        "STAFF_TWO_FACTOR_REQUIRED": "false",
        "PATH": "/usr/bin:/bin",
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.STAFF_TWO_FACTOR_REQUIRED)",
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.stdout.strip() == "True", result.stderr


def test_a_password_alone_opens_no_admin_page_and_leads_to_setting_up_an_app(
    client, secretariat, production
):
    signed_in = sign_in(client, "sara", PASSWORD, follow=True)

    assert view_of(signed_in) == "two_factor:setup"
    assert signed_in.context["user"] == secretariat  # signed in, but not for the admin
    for url in [
        reverse("admin:index"),
        reverse("admin:members_reviewqueue_changelist"),
        reverse("admin:members_person_changelist"),
    ]:
        response = client.get(url, follow=True)
        assert view_of(response) == "two_factor:setup", url


def test_staff_sent_to_set_up_an_app_may_sign_out_instead(client, secretariat, production):
    sign_in(client, "sara", PASSWORD)
    assert reverse("two_factor:logout") in client.get(reverse("two_factor:setup")).content.decode()

    signed_out = client.post(reverse("two_factor:logout"), follow=True)

    assert view_of(signed_out) == "two_factor:login"
    assert not signed_out.context["user"].is_authenticated


def test_setting_up_the_app_ends_on_recovery_codes_and_opens_the_admin(
    client, secretariat, production
):
    sign_in(client, "sara", PASSWORD)
    setup = reverse("two_factor:setup")
    assert "Enable Two-Factor Authentication" in client.get(setup).content.decode()

    generator = client.post(setup, {"setup_view-current_step": "welcome"})

    page = generator.content.decode()
    assert f'src="{reverse("two_factor:qr")}"' in page
    qr_code = client.get(reverse("two_factor:qr"))
    assert qr_code["Content-Type"].startswith("image/svg+xml")
    secret = client.session["django_two_factor-qr_secret_key"]
    assert secret in page  # for typing it in, where a QR code cannot be scanned
    code = f"{totp(b32decode(secret)):06d}"

    done = client.post(setup, {"setup_view-current_step": "generator", "generator-token": code})

    assert done.url == reverse("two_factor:backup_tokens")
    codes_page = client.get(done.url).content.decode()
    codes = StaticToken.objects.filter(device__user=secretariat)
    assert codes.count() == 10
    for recovery in codes:
        assert f"<code>{recovery.token}</code>" in codes_page
    assert "Recovery codes" in codes_page
    assert client.get(reverse("admin:index")).status_code == 200


def test_the_setup_page_loads_nothing_from_another_host(client, secretariat, production):
    sign_in(client, "sara", PASSWORD)
    setup = reverse("two_factor:setup")

    for response in [
        client.get(setup),
        client.post(setup, {"setup_view-current_step": "welcome"}),
        client.get(reverse("two_factor:login")),
    ]:
        host = response.wsgi_request.get_host()
        links = links_of(response.content.decode())
        assert links.urls
        # The otpauth: link is the secret key, for an app on the same device to open.
        foreign = [
            url for url in links.urls if not is_own(url, host) and not url.startswith("otpauth:")
        ]
        assert foreign == []
        assert [s for s in links.stylesheets if not is_own(s, host)] == []


def test_with_an_app_the_code_it_shows_opens_the_admin(client, secretariat, production, app_of):
    app = app_of(secretariat)

    asked = sign_in(client, "sara", PASSWORD)

    assert asked.status_code == 200  # the second step, on the same page
    assert asked.context["wizard"]["steps"].current == "token"
    assert client.get(reverse("admin:index")).status_code == 302
    signed_in = give_code(client, code_of(app))
    assert signed_in.url == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_a_wrong_code_opens_nothing_and_is_logged(client, secretariat, production, app_of, caplog):
    app = app_of(secretariat)
    wrong = f"{(int(code_of(app)) + 500_000) % 1_000_000:06d}"
    sign_in(client, "sara", PASSWORD)

    with caplog.at_level(logging.WARNING):
        refused = give_code(client, wrong)

    assert refused.status_code == 200
    assert refused.context["wizard"]["steps"].current == "token"
    assert client.get(reverse("admin:index")).status_code == 302
    assert re.search(r"wrong code for sara from 127\.0\.0\.1", caplog.text)


def test_a_recovery_code_signs_in_once(client, secretariat, production, app_of):
    app_of(secretariat)
    issue_recovery_codes(secretariat)
    recovery = StaticToken.objects.filter(device__user=secretariat).first().token

    sign_in(client, "sara", PASSWORD)
    assert give_recovery_code(client, recovery).url == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200
    client.logout()

    sign_in(client, "sara", PASSWORD)
    refused = give_recovery_code(client, recovery)
    assert refused.status_code == 200
    assert client.get(reverse("admin:index")).status_code == 302
    assert StaticToken.objects.filter(device__user=secretariat).count() == 9


def test_staff_with_an_app_signed_in_without_its_code_are_asked_to_sign_in_again(
    client, secretariat, production, app_of
):
    app_of(secretariat)
    client.force_login(secretariat)

    response = client.get(reverse("admin:members_reviewqueue_changelist"), follow=True)

    assert view_of(response) == "two_factor:login"


def test_off_production_the_password_alone_opens_the_admin(client, secretariat, settings):
    assert settings.STAFF_TWO_FACTOR_REQUIRED is False

    signed_in = sign_in(client, "sara", PASSWORD)

    assert signed_in.url == reverse("admin:index")
    assert client.get(reverse("admin:index")).status_code == 200


def test_staff_find_their_recovery_codes_from_every_admin_page(
    client, secretariat, production, app_of
):
    app = app_of(secretariat)
    issue_recovery_codes(secretariat)
    sign_in(client, "sara", PASSWORD)
    give_code(client, code_of(app))
    profile = reverse("two_factor:profile")

    assert f'href="{profile}"' in client.get(reverse("admin:index")).content.decode()
    assert reverse("two_factor:backup_tokens") in client.get(profile).content.decode()
    codes = client.get(reverse("two_factor:backup_tokens")).content.decode()
    assert all(
        f"<code>{recovery.token}</code>" in codes
        for recovery in StaticToken.objects.filter(device__user=secretariat)
    )
