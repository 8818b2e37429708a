"""The permission matrix: every admin URL, opened once by each role, gives the page to the roles
this table names and to nobody else, and nothing personal of an applicant or member reaches
any role but the secretariat.

A role not named for a page is refused (403), told the page does not exist (404), or, signed
in to the admin, sent on to another admin page that decides for itself (an object's old
URL, the review queue's entry to the application). An anonymous visitor, and in production
staff signed in with a password alone, are sent to sign in from every URL.

The URLs are the crawl of test_admin_permissions.py: every pattern of the admin site, filled
in with seeded objects, so a page added later fails here until the table says who sees it.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.apps import apps
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from members.roles import board_role, data_protection_role

from . import test_admin_permissions as crawl

seeded = crawl.seeded  # the fixture, under its own name


def pages(model: str, *views: str) -> set[str]:
    return {f"admin:{model}_{view}" for view in views}


def app_lists(*app_labels: str) -> set[str]:
    return {f"admin:app_list {label}" for label in app_labels}


def searches(*models: str) -> set[str]:
    """The autocomplete view, searching rows of these models (for any field that refers
    to one)."""
    return {f"admin:autocomplete {model}" for model in models}


READ = ("changelist", "change", "history")
EVERY_STAFF_MEMBER = {
    "admin:index",
    "admin:jsi18n",
    "admin:password_change",
    "admin:password_change_done",
}
# The dashboard and its figures as CSV: counts, no names.
DASHBOARD = pages("overview_dashboard", "changelist", "download")
SECRETARIAT = (
    EVERY_STAFF_MEMBER
    | app_lists(
        "axes", "contactlists", "diagnoses", "members", "outbox", "overview", "founding", "misuse"
    )
    | pages("diagnoses_diagnosis", *READ, "add", "delete")
    | pages("diagnoses_diagnosisgroup", *READ, "add", "delete")
    | pages("diagnoses_association", *READ, "add", "delete")
    # Names learnt from review: accepted or dismissed, never added by hand.
    | pages("diagnoses_proposedname", *READ, "delete")
    | pages("members_reviewqueue", "changelist", "history", "delete")
    | pages(
        "members_application",
        *READ,
        "delete",
        "approve",
        "new_group",
        "refer",
        "ask",
        "reject",
        "ask_consultant",
    )
    | pages("members_consultation", *READ, "delete")
    | pages("members_person", *READ, "delete")
    | pages("members_membership", *READ)
    | pages("contactlists_contactlist", *READ, "delete")
    | pages("contactlists_letter", *READ)
    | pages("outbox_outgoingemail", *READ, "delete")
    # Staff accounts locked by wrong passwords, and lifting a lockout.
    | pages("axes_accessattempt", *READ, "delete")
    | DASHBOARD
    | pages("founding_groupreadytofound", *READ)
    | pages("misuse_misusereport", *READ, "delete")
    | pages("misuse_suspension", *READ, "add")
    # Bringing in the members a network already has, and exporting them.
    | app_lists("imports")
    | pages("imports_memberimport", *READ, "add", "delete")
    | pages("imports", "export", "mapping", "choose", "confirm", "send", "report")
    | app_lists("mailings", "meetups")
    # A mailing that has been sent stays, with who it reached: it is not deleted.
    | pages("mailings_mailing", *READ, "add", "send")
    | pages("mailings_mailingrecipient", *READ)
    | pages("mailings_onlinegroupmember", *READ)
    | pages("meetups_event", *READ, "add", "delete", "invite", "badges")
    | pages("meetups_event", "participants_xlsx", "participants_csv")
    | pages("meetups_registration", *READ)
    | searches(
        "diagnoses.diagnosis",
        "diagnoses.diagnosisgroup",
        "diagnoses.association",
        "members.person",
        "members.application",
        "contactlists.contactlist",
        "outbox.outgoingemail",
        "axes.accessattempt",
        "members.membership",
        "meetups.registration",
    )
)
# Who sees which page. Nobody here sees the staff accounts and their groups, the staff's
# authenticator apps and recovery codes, or the record of their sign-ins: that is for a
# superuser.
PAGES: dict[str, set[str]] = {
    "secretariat": SECRETARIAT,
    "secretariat, with a second factor (production)": SECRETARIAT,
    # The anonymised cases, and the catalogue to look a diagnosis up in.
    "consultant": EVERY_STAFF_MEMBER
    | app_lists("diagnoses", "members")
    | pages("diagnoses_diagnosis", *READ)
    | pages("members_consultation", *READ)
    | searches("diagnoses.diagnosis"),
    # The access log, and nothing else.
    "data protection": EVERY_STAFF_MEMBER
    | app_lists("accesslog")
    | pages("accesslog_accessrecord", *READ),
    # The board follows the network on the dashboard.
    "board": EVERY_STAFF_MEMBER | app_lists("overview") | DASHBOARD,
    "anonymous": set(),
    "staff with a password alone (production)": set(),
}
# Sent on to another admin page rather than refused: an object's old URL (to its change
# page), the review queue's entry (to the application's page), the sign-in page (to the
# admin's index, for staff already signed in).
SENT_ON = {"object (old URL)", "admin:members_reviewqueue_change", "admin:login"}
# A step of an import that is not at that step sends on to the step it is at.
IMPORT_STEPS = {"admin:imports_choose", "admin:imports_confirm", "admin:imports_send"}
# Who may not use the admin is sent to sign in from every URL, but for its sign-in and
# sign-out pages: signing out sends on to the index (which asks to sign in), and staff
# signed in with a password alone where a second factor is required are sent to set one up.
SIGNED_OUT = {
    "anonymous": {"admin:logout": "sent on"},
    "staff with a password alone (production)": {
        "admin:login": "set up a second factor",
        "admin:logout": "sent on",
    },
}
# Only the secretariat sees applicants' and members' details.
SEES_PERSONAL_DATA = {"secretariat", "secretariat, with a second factor (production)"}


def key_of(url: str, name: str | None) -> str:
    """The table's name for a URL: its pattern's name, with what tells its fillings apart."""
    parsed = urlparse(url)
    if name is None:
        return "no such page" if parsed.path.endswith("/no-such-page/") else "object (old URL)"
    if name == "admin:app_list":
        return f"{name} {parsed.path.strip('/').split('/')[-1]}"
    if name == "admin:autocomplete":
        query = {key: values[0] for key, values in parse_qs(parsed.query).items()}
        model = apps.get_model(query["app_label"], query["model_name"])
        related = model._meta.get_field(query["field_name"]).related_model
        return f"{name} {related._meta.label_lower}"
    return name


def outcome(response) -> str:
    if response.status_code == 302:
        where = urlparse(response["Location"]).path
        if where in (reverse("admin:login"), reverse("two_factor:login")):
            return "sign in"
        return "set up a second factor" if where == reverse("two_factor:setup") else "sent on"
    return {200: "page", 403: "refused", 404: "not found", 405: "not allowed"}.get(
        response.status_code, f"status {response.status_code}"
    )


@pytest.fixture
def signed_in(client, django_user_model, secretariat, consultant, settings):
    """A client signed in as `role`, in the settings that role is about."""

    def sign_in(role: str):
        if role == "anonymous":
            return client
        user = {"secretariat": secretariat, "consultant": consultant}.get(role)
        if role == "data protection":
            user = django_user_model.objects.create_user("dora", is_staff=True)
            user.groups.add(data_protection_role())
        if role == "board":
            user = django_user_model.objects.create_user("bodil", is_staff=True)
            user.groups.add(board_role())
        if role.endswith("(production)"):
            settings.STAFF_TWO_FACTOR_REQUIRED = True
            user = secretariat
        client.force_login(user)
        if role == "secretariat, with a second factor (production)":
            app = TOTPDevice.objects.create(user=user, name="default")
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = app.persistent_id
            session.save()
        return client

    return sign_in


@pytest.mark.parametrize("role", list(PAGES))
def test_each_role_reaches_the_pages_of_its_work_and_nothing_else(signed_in, seeded, role):
    client = signed_in(role)
    urls = crawl.admin_urls(seeded)
    mistaken, leaks, crawled = [], [], set()

    for url, name, _model in urls:
        key = key_of(url, name)
        crawled.add(key)
        response = client.get(url)
        got = outcome(response)
        if key in PAGES[role]:
            expected = {"page", "sent on"} if key in IMPORT_STEPS else {"page"}
        elif role in SIGNED_OUT:
            expected = {SIGNED_OUT[role].get(key, "sign in")}
        elif key in SENT_ON:
            expected = {"sent on"}
        else:
            expected = {"refused", "not found", "not allowed"}
        if got not in expected:
            mistaken.append(f"{url} ({key}): {got}, expected {' or '.join(sorted(expected))}")
        if role not in SEES_PERSONAL_DATA and crawl.traces_on(response):
            leaks.append(f"{url}: {crawl.traces_on(response)}")

    assert mistaken == []
    assert leaks == []
    assert PAGES[role] <= crawled, "the table names pages the admin no longer has"
