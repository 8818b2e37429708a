"""A complete, valid application: recorded as typed, with each consent exactly as ticked,
waiting for the applicant to confirm their email through the link we send."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from members.consents import CONSENT_TEXTS
from members.models import Application, ApplicationEvent, Consent
from outbox.models import OutgoingEmail

from ..conftest import applicant

OPTIONAL = [kind for kind, text in CONSENT_TEXTS.items() if not text.required]
REQUIRED = [kind for kind, text in CONSENT_TEXTS.items() if text.required]
CONFIRM_LINK = re.compile(r"https?://[^\s\"<>]+/apply/confirm/[^\s\"<>]+/")


def send(client, data: dict, language: str | None = None):
    """Post the form on the page of `language`, or else of the site's default language."""
    data = {name: value for name, value in data.items() if value is not None}
    with translation.override(language or settings.LANGUAGE_CODE):
        url = reverse("members:apply")
    return client.post(url, data)


def test_the_application_is_recorded_as_typed_and_waits_for_confirmation(client, alstrom):
    data = applicant("Freja Christensen", alstrom, note="Vi bor på Fyn.")

    response = send(client, data)

    assert response.status_code == 302
    assert response.url == reverse("members:application_sent")
    assert "Please check your email" in client.get(response.url).content.decode()
    application = Application.objects.get()
    assert application.status == Application.Status.UNCONFIRMED
    assert application.confirmed_at is None
    assert not Application.objects.awaiting_review().exists()
    assert (
        application.full_name,
        application.relationship,
        application.birth_year,
        application.street_address,
        application.postal_code,
        application.city,
        application.country.code,
        application.phone.as_e164,
        application.email,
        application.diagnosis,
        application.diagnosis_text,
        application.note,
    ) == (
        "Freja Christensen",
        "parent",
        2015,
        "Skovvej 12",
        "8000",
        "Aarhus C",
        "DK",
        "+4520123456",
        "freja.christensen@example.org",
        alstrom,
        "",
        "Vi bor på Fyn.",
    )


@pytest.mark.parametrize(
    "ticked",
    [
        pytest.param(set(), id="no-optional-consent"),
        pytest.param(set(OPTIONAL), id="every-optional-consent"),
        pytest.param({"mailings"}, id="mailings-only"),
        pytest.param({"online_group", "meetups"}, id="online-group-and-meetups"),
    ],
)
def test_each_consent_is_recorded_as_ticked_with_the_version_shown(client, alstrom, ticked):
    data = applicant("Freja Christensen", alstrom)
    for kind in OPTIONAL:
        data[f"consent_{kind}"] = "on" if kind in ticked else None

    assert send(client, data).status_code == 302

    application = Application.objects.get()
    recorded = {
        consent.kind: (consent.version, consent.given, consent.person_id)
        for consent in Consent.objects.all()
    }
    assert Consent.objects.count() == len(CONSENT_TEXTS) == 5
    assert set(Consent.objects.values_list("application", flat=True)) == {application.pk}
    assert recorded == {
        kind: (text.version, kind in REQUIRED or kind in ticked, None)
        for kind, text in CONSENT_TEXTS.items()
    }


def test_the_applicant_is_sent_a_link_to_confirm_their_email(
    client, alstrom, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        send(client, applicant("Freja Christensen", alstrom))

    [email] = mailoutbox
    assert email.to == ["freja.christensen@example.org"]
    assert email.subject == f"Please confirm your application to {settings.NETWORK_NAME}"
    assert "Dear Freja Christensen" in email.body
    assert "Alström syndrome (ORPHA:64)" in email.body
    [link] = CONFIRM_LINK.findall(email.body)
    assert link.startswith(settings.NETWORK_SITE_URL + "/apply/confirm/")
    [(html, _mimetype)] = email.alternatives
    assert link in html
    event = ApplicationEvent.objects.get(action=ApplicationEvent.Action.SUBMITTED)
    assert event.email.status == OutgoingEmail.Status.SENT


def test_the_plain_text_writes_the_applicants_name_as_typed(
    client, alstrom, mailoutbox, django_capture_on_commit_callbacks
):
    data = applicant("Siobhán O'Connor", alstrom, email="siobhan@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        send(client, data)

    [email] = mailoutbox
    assert email.body.startswith("Dear Siobhán O'Connor,")
    assert "&#x27;" not in email.body
    [(html, _mimetype)] = email.alternatives
    assert "Siobhán O&#x27;Connor" in html


@pytest.mark.parametrize(
    ("language", "prefix"),
    # The default language has no prefix: English under the test settings.
    [("en", "/apply/confirm/"), ("da", "/da/apply/confirm/"), ("sv", "/sv/apply/confirm/")],
)
def test_the_confirmation_speaks_the_language_the_form_was_filled_in(
    client, alstrom, mailoutbox, django_capture_on_commit_callbacks, language, prefix
):
    with django_capture_on_commit_callbacks(execute=True):
        send(client, applicant("Freja Christensen", alstrom), language=language)

    assert Application.objects.get().language == language
    [email] = mailoutbox
    [link] = CONFIRM_LINK.findall(email.body)
    assert link.startswith(settings.NETWORK_SITE_URL + prefix)
    response = client.get(link.removeprefix(settings.NETWORK_SITE_URL))
    assert response.status_code == 200
    assert f'lang="{language}"' in response.content.decode()
