"""The public pages speak Danish unless the visitor chose another language, and an applicant
is written to in the language of the page they filled the form in."""

from __future__ import annotations

import re

from django.conf import settings

from members.models import Application

from ..conftest import applicant

CONFIRM_LINK = re.compile(r"https?://[^\s\"<>]+/apply/confirm/[^\s\"<>]+/")


def test_the_sign_up_pages_are_danish_by_default(danish_site, client):
    home = client.get("/").content.decode()
    form = client.get("/apply/").content.decode()

    assert '<html lang="da">' in home
    assert "Netværket sætter mennesker, der lever med den samme meget sjældne diagnose" in home
    assert "Søg om at blive medlem" in home
    assert "Apply to join" not in home
    assert '<html lang="da">' in form
    for danish in ["Fulde navn", "Jeg har selv diagnosen", "Postnummer", "Send ansøgning"]:
        assert danish in form
    # The country names are django-countries' own Danish.
    assert ">Danmark</option>" in form
    for english in ["Full name", "I have the diagnosis myself", "Send application", "Denmark"]:
        assert english not in form


def test_the_sign_up_pages_under_en_are_english(danish_site, client):
    home = client.get("/en/").content.decode()
    form = client.get("/en/apply/").content.decode()

    assert '<html lang="en">' in home
    assert "Apply to join" in home
    assert '<html lang="en">' in form
    for english in ["Full name", "I have the diagnosis myself", "Send application"]:
        assert english in form
    assert ">Denmark</option>" in form
    assert "Send ansøgning" not in form


def test_a_danish_applicant_is_sent_the_confirmation_in_danish(
    danish_site, client, alstrom, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/apply/", applicant("Freja Christensen", alstrom))

    assert response.url == "/apply/sent/"
    assert "Tjek nu din e-mail" in client.get(response.url).content.decode()
    assert Application.objects.get().language == "da"
    [email] = mailoutbox
    assert email.subject == "Bekræft din ansøgning til Kontaktnetværk for sjældne diagnoser"
    assert email.body.startswith("Kære Freja Christensen")
    assert "Åbn dette link for at bekræfte din e-mailadresse" in email.body
    assert "Din ansøgning gælder: Alström syndrome (ORPHA:64)." in email.body
    assert "Venlig hilsen" in email.body
    [(html, _mimetype)] = email.alternatives
    assert "Bekræft min e-mailadresse" in html
    [link] = CONFIRM_LINK.findall(email.body)
    assert link.startswith(settings.NETWORK_SITE_URL + "/apply/confirm/")
    confirmed = client.get(link.removeprefix(settings.NETWORK_SITE_URL)).content.decode()
    assert "Din e-mail er bekræftet" in confirmed


def test_an_english_applicant_is_sent_the_confirmation_in_english(
    danish_site, client, alstrom, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en/apply/", applicant("Freja Christensen", alstrom))

    assert response.url == "/en/apply/sent/"
    assert Application.objects.get().language == "en"
    [email] = mailoutbox
    assert email.subject == f"Please confirm your application to {settings.NETWORK_NAME}"
    assert email.body.startswith("Dear Freja Christensen,")
    assert "Please open this link to confirm your email address" in email.body
    assert "Kind regards" in email.body
    [(html, _mimetype)] = email.alternatives
    assert "Confirm my email address" in html
    [link] = CONFIRM_LINK.findall(email.body)
    assert link.startswith(settings.NETWORK_SITE_URL + "/en/apply/confirm/")
