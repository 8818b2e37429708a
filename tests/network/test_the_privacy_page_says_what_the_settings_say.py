"""The privacy page is built from the deployment's settings (controller, contact, retention
periods, supervisory authority), and every page and every email links to it, in the
reader's language."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from ..conftest import admit, applicant
from ..contactlists.conftest import received


def test_the_privacy_page_names_the_controller_and_the_periods_from_settings(client, settings):
    settings.NETWORK_CONTROLLER_NAME = "Foreningen Sjældne Kontakter"
    settings.NETWORK_CONTROLLER_ADDRESS = "Sjældnevej 7, 2100 København Ø"
    settings.NETWORK_PRIVACY_CONTACT = "privacy@sjaeldne.example"
    settings.NETWORK_SUPERVISORY_AUTHORITY = "Tietosuojavaltuutettu, tietosuoja.fi"
    settings.RETENTION_UNCONFIRMED_DAYS = 17
    settings.RETENTION_DECIDED_DAYS = 123
    settings.RETENTION_UNANSWERED_DAYS = 45
    settings.RETENTION_OLD_LISTS_DAYS = 61
    settings.RETENTION_SENT_EMAIL_DAYS = 1

    page = client.get(reverse("privacy")).content.decode()

    assert "Foreningen Sjældne Kontakter is responsible" in page
    assert "Sjældnevej 7, 2100 København Ø" in page
    assert 'href="mailto:privacy@sjaeldne.example"' in page
    assert "Tietosuojavaltuutettu, tietosuoja.fi" in page
    assert "never confirmed is deleted after 17 days" in page
    assert "deleted 123 days after the decision" in page
    assert "closed after 45 days without one" in page
    assert "deleted 61 days after a newer version replaced it" in page
    assert "deleted 1 day after they were sent" in page
    assert "article 6(1)(a)" in page
    assert "9(2)(a)" in page


def test_the_privacy_page_is_accessible_by_its_headings(client):
    page = client.get(reverse("privacy")).content.decode()

    assert page.count("<h1>") == 1
    for heading in [
        "Who is responsible",
        "What the network keeps, and why",
        "Who sees what",
        "How long the data is kept",
        "Your rights",
        "Whom to contact",
    ]:
        assert f">{heading}</h2>" in page


def test_the_home_page_footer_links_to_the_privacy_page_in_the_visitors_language(
    danish_site, client
):
    danish = client.get("/").content.decode()
    swedish = client.get("/sv/").content.decode()

    assert 'href="/privacy/"' in danish.split("<footer")[1]
    assert 'href="/sv/privacy/"' in swedish.split("<footer")[1]
    assert client.get("/sv/privacy/").status_code == 200


def test_an_applicants_confirmation_links_to_the_privacy_page_in_their_language(
    danish_site, client, alstrom, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/sv/apply/", applicant("Ingrid Lund", alstrom))

    [confirmation] = map(received, mailoutbox)
    link = f"{settings.NETWORK_SITE_URL}/sv/privacy/"
    assert confirmation.text().rstrip().endswith(link)
    assert f'href="{link}"' in confirmation.html()


def test_every_email_to_a_new_member_links_to_the_privacy_page(
    alstrom, secretariat, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        admit("Mette Holm", alstrom, secretariat)

    emails = [received(message) for message in mailoutbox]
    assert {email.subject for email in emails} == {
        f"Please confirm your application to {settings.NETWORK_NAME}",
        f"Your application to {settings.NETWORK_NAME}: approved",
        "Welcome to the Alström syndrome group: your contact list",
    }
    link = f"{settings.NETWORK_SITE_URL}/privacy/"
    for email in emails:
        assert email.text().rstrip().endswith(link), email.subject
        assert f'href="{link}"' in email.html(), email.subject
