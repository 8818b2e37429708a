"""Every contact list, the welcome list and the approval email lead to "Manage my
membership": to the page that asks for a sign-in link, never to a link that signs in, as
lists get forwarded. The home page leads there too, where it promises that members can
leave at any time."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from members.services import APPLICANT_EMAIL
from outbox.models import OutgoingEmail

from ..contactlists.conftest import list_emails
from ..members.page import Page


def test_every_contact_list_email_links_to_the_sign_in_request_page(
    group_a, after_commit, mailoutbox
):
    from members.services import update_contact_details

    mette, jonas = group_a
    with after_commit():
        update_contact_details(mette, {"street_address": "Nygade 5"}, by=None)

    [to_jonas] = list_emails(mailoutbox, jonas.email)
    page = settings.NETWORK_SITE_URL + reverse("selfservice:sign_in")
    assert f"Manage my membership: {page}\n" in to_jonas.text()
    assert f'<a href="{page}">Manage my membership</a>' in to_jonas.html()
    assert "/members/sign-in/" not in to_jonas.text().replace(page, "")


def test_the_welcome_list_and_the_approval_email_link_there_too(
    alstrom, secretariat, send_lists, mailoutbox
):
    from .conftest import join

    mette = join("Mette Holm", alstrom, secretariat)
    send_lists()

    page = settings.NETWORK_SITE_URL + reverse("selfservice:sign_in")
    [welcome] = list_emails(mailoutbox, mette.email)
    assert "Welcome" in welcome.subject
    assert page in welcome.text() and page in welcome.html()
    approval = OutgoingEmail.objects.get(kind=APPLICANT_EMAIL, subject__icontains="approved")
    assert f"Manage my membership: {page}" in approval.text


def test_the_home_page_leads_members_to_their_page(db, client):
    page = Page(client.get(reverse("home")).content)

    assert page.find("a", href=reverse("selfservice:sign_in"))
    assert "You can leave at any time." in page.text
