"""The staff pages' admin site, with the staff sign-in of network/sign_in.py in front of it.

Staff sign in through the two-factor sign-in, never through the admin's own password form.
Where STAFF_TWO_FACTOR_REQUIRED is on (production), a sign-in counts for the admin only once
a second factor verified it: staff who signed in with a password alone reach no admin page,
and are sent to set up their authenticator app when they have none yet.

This module is named in INSTALLED_APPS (StaffAdminConfig), so it is imported before the
models are: what needs a model is imported where it is used.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


class StaffAdminConfig(AdminConfig):
    """django.contrib.admin, with StaffAdminSite as `admin.site`."""

    default_site = "network.admin_site.StaffAdminSite"


class StaffAdminSite(admin.AdminSite):
    def has_permission(self, request) -> bool:
        """Active staff; where a second factor is required, verified by one in this session."""
        return super().has_permission(request) and (
            not settings.STAFF_TWO_FACTOR_REQUIRED or request.user.is_verified()
        )

    def login(self, request, extra_context=None):
        """The admin's sign-in page sends staff on: to the page they asked for once they may
        see it, to set up a second factor when they must and have none, otherwise to the
        two-factor sign-in."""
        from django.contrib.auth.views import redirect_to_login

        wanted = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            wanted = reverse("admin:index", current_app=self.name)
        if self.has_permission(request):
            return redirect(wanted)
        if must_set_up_a_second_factor(request.user):
            return redirect("two_factor:setup")
        return redirect_to_login(wanted, "two_factor:login")


def must_set_up_a_second_factor(user) -> bool:
    """Staff signed in with a password alone where a second factor is required, who have
    no authenticator app set up yet (with one, they sign in again and give its code)."""
    from two_factor.utils import default_device

    return (
        settings.STAFF_TWO_FACTOR_REQUIRED
        and user.is_active
        and user.is_staff
        and not user.is_verified()
        and default_device(user) is None
    )
