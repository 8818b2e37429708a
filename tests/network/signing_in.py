"""Signing in as staff do, through the two-factor sign-in (network/sign_in.py): its steps are
a wizard's, each posted with the step's name."""

from __future__ import annotations

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from network.sign_in import issue_recovery_codes


def sign_in(client, username: str, password: str, *, follow=False, **request):
    """The first step: user name and password, on the way to the admin's index."""
    return client.post(
        reverse("two_factor:login") + "?next=" + reverse("admin:index"),
        {"login_view-current_step": "auth", "auth-username": username, "auth-password": password},
        follow=follow,
        **request,
    )


def give_code(client, code: str, *, follow=False):
    """The second step: the code the authenticator app shows."""
    return client.post(
        reverse("two_factor:login") + "?next=" + reverse("admin:index"),
        {"login_view-current_step": "token", "token-otp_token": code},
        follow=follow,
    )


def give_recovery_code(client, code: str, *, follow=False):
    """The second step with a recovery code instead: first the button that asks for one."""
    url = reverse("two_factor:login") + "?next=" + reverse("admin:index")
    client.post(url, {"wizard_goto_step": "backup"})
    return client.post(
        url, {"login_view-current_step": "backup", "backup-otp_token": code}, follow=follow
    )


def code_of(device) -> str:
    """What the authenticator app of a TOTP device shows now."""
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, device.drift):06d}"


def sign_in_records(django_user_model) -> dict:
    """One record of each kind the staff sign-in keeps, which admin shows too, by model: an
    authenticator app and recovery codes, a failed sign-in and a successful one."""
    user = django_user_model.objects.create_user("tove", password="s3cret-pass", is_staff=True)
    app = TOTPDevice.objects.create(user=user, name="default")
    issue_recovery_codes(user)
    client = {
        "username": "tove",
        "ip_address": "203.0.113.7",
        "user_agent": "Browser",
        "http_accept": "text/html",
        "path_info": reverse("two_factor:login"),
        "attempt_time": timezone.now(),
    }
    return {
        TOTPDevice: app,
        StaticDevice: StaticDevice.objects.get(user=user),
        AccessAttempt: AccessAttempt.objects.create(
            **client, get_data="", post_data="", failures_since_start=1
        ),
        AccessLog: AccessLog.objects.create(**client),
        AccessFailureLog: AccessFailureLog.objects.create(**client, locked_out=False),
    }
