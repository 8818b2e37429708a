"""A member who prints at home opens their group's list laid out for paper: the same people
with the same details as the email, in their language, styled by the print stylesheet (no
inline style or script, which the page's security policy would refuse). Only a member of
the group can open it."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from contactlists.services import record_group_change
from members.models import Person
from members.signals import MembershipChange

from ..contactlists.conftest import group_of, latest_list, list_emails
from ..members.page import Page


def test_the_printable_list_holds_the_people_and_details_of_the_email(
    alstrom, secretariat, group_a, client, sign_in, mailoutbox, after_commit
):
    mette, jonas = group_a
    Person.objects.filter(pk=jonas.pk).update(share_birth_year=True, birth_year=2015)
    group = group_of(mette)
    # The email's list text, to compare with the page: the next version, sent now.
    with after_commit():
        record_group_change(group.pk, person_id=jonas.pk, reason=MembershipChange.DETAILS_CHANGED)
    [mail] = list_emails(mailoutbox, to=mette.email)
    sign_in(mette)

    membership = client.get(reverse("selfservice:membership")).content.decode()
    print_url = reverse("selfservice:contact_list_print", args=[group.pk])
    assert f'href="{print_url}"' in membership

    response = client.get(print_url)
    html = response.content.decode()
    page = Page(response.content)
    assert response["Cache-Control"].startswith("max-age=0")
    assert f"2 members, version {latest_list(group).version}" in page.text
    email_text = mail.text()
    for line in [
        "Mette Holm",
        "Jonas Berg",
        "Parent, born 2015",
        "Strandgade 3",
        "1401 København K",
        "Denmark",
        "Phone: +45 31 23 45 67",
        f"Email: {jonas.email}",
        f"Email: {mette.email}",
    ]:
        assert line in email_text and line in page.text, line
    assert "/static/css/print.css" in html
    assert "style=" not in html and "<script" not in html


def test_the_printable_list_is_in_the_members_language_and_theirs_alone(
    group_a, group_b, client, sign_in
):
    mette, _jonas = group_a
    aud, _lars = group_b
    Person.objects.filter(pk=mette.pk).update(language="da")
    sign_in(mette)

    with translation.override("da"):
        own = reverse("selfservice:contact_list_print", args=[group_of(mette).pk])
        other = reverse("selfservice:contact_list_print", args=[group_of(aud).pk])
    page = Page(client.get(own).content)
    assert "Telefon: +45 31 23 45 67" in page.text
    assert client.get(other).status_code == 404
