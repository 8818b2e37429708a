"""Staff sign-in: a password, then a code from an authenticator app (TOTP) or a one-time
recovery code, with django-two-factor-auth on django-otp; and a lockout after too many wrong
passwords, with django-axes.

Nothing here talks to another service: no text messages or calls (two_factor's phone plugin
is not installed), and the QR code of the setup page is drawn by this app (two_factor's
QRGeneratorView, with qrcode).

Staff without an authenticator app sign in with their password alone, which is all it takes
where STAFF_TWO_FACTOR_REQUIRED is off (the embedded mode and the tests). Where it is on,
the admin sends them to set one up (network/admin_site.py); setting it up ends on their
recovery codes, for the day the phone is lost.
"""

from __future__ import annotations

import logging

from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.views import LogoutView
from django.db.models import Max
from django.shortcuts import render
from django.urls import path
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticToken
from two_factor import views as two_factor

logger = logging.getLogger(__name__)

RECOVERY_CODES = 10


class LoginView(two_factor.LoginView):
    """two_factor's sign-in, which also logs each wrong code: whoever gives one knew the
    password. (Wrong passwords are logged by axes.)"""

    def render(self, form=None, **kwargs):
        if (
            form is not None
            and form.is_bound
            and form.errors
            and self.steps.current in (self.TOKEN_STEP, self.BACKUP_STEP)
        ):
            logger.warning(
                "Staff sign-in: wrong %s for %s from %s",
                "recovery code" if self.steps.current == self.BACKUP_STEP else "code",
                self.get_user().get_username(),
                get_client_ip_address(self.request),
            )
        return super().render(form, **kwargs)


class SetupView(two_factor.SetupView):
    """Setting up an authenticator app, which ends on a page of new recovery codes."""

    success_url = "two_factor:backup_tokens"

    def done(self, form_list, **kwargs):
        response = super().done(form_list, **kwargs)
        issue_recovery_codes(self.request.user)
        return response


def issue_recovery_codes(user) -> None:
    """New recovery codes for `user`, each good for one sign-in; the old ones stop working."""
    # The device two_factor's recovery code pages use (BackupTokensView.get_device).
    device, _created = user.staticdevice_set.get_or_create(defaults={"name": "backup"})
    device.token_set.all().delete()
    for _n in range(RECOVERY_CODES):
        device.token_set.create(token=StaticToken.random_token())


def locked_out(request, original_response=None, credentials=None):
    """The page after too many wrong passwords (AXES_LOCKOUT_CALLABLE): from when the account
    may sign in again, and whom to ask before then."""
    username = get_client_username(request, credentials)
    last = AccessAttempt.objects.filter(username=username).aggregate(Max("attempt_time"))
    until = (last["attempt_time__max"] or timezone.now()) + get_cool_off(request)
    return render(
        request,
        "network/staff_locked_out.html",
        {"until": until},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )


# two_factor's own URLs (two_factor.urls), with the views above, at /account/ (network/urls.py).
urlpatterns = [
    path("login/", LoginView.as_view(), name="login"),
    # For staff signed in with a password alone, whom the admin's own sign-out turns away.
    path("logout/", LogoutView.as_view(next_page="two_factor:login"), name="logout"),
    path("two-factor/", two_factor.ProfileView.as_view(), name="profile"),
    path("two-factor/setup/", SetupView.as_view(), name="setup"),
    path("two-factor/qrcode/", two_factor.QRGeneratorView.as_view(), name="qr"),
    path(
        "two-factor/setup/complete/",
        two_factor.SetupCompleteView.as_view(),
        name="setup_complete",
    ),
    path("two-factor/recovery-codes/", two_factor.BackupTokensView.as_view(), name="backup_tokens"),
    path("two-factor/disable/", two_factor.DisableView.as_view(), name="disable"),
]
