from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mailings.models import Mailing, MailingRecipient
from members.consents import ConsentKind

from .people import people, person

MAILINGS = ConsentKind.MAILINGS


@pytest.fixture
def staff_client(client, secretariat):
    secretariat.email = "sara@example.org"
    secretariat.save()
    client.force_login(secretariat)
    return client


def form_data(**extra) -> dict:
    data = {
        f"{field}_{code}": ""
        for code in ["da", "en", "sv", "nb", "fi"]
        for field in ["subject", "body"]
    }
    data.update({"subject_en": "News", "body_en": "Hello.", "subject_sv": "Nyheter"})
    data.update(extra)
    return data


@pytest.mark.django_db
def test_staff_see_the_exact_count_test_it_and_send(
    staff_client, django_capture_on_commit_callbacks
):
    for i in range(3):
        person(f"Member {i}", consents={MAILINGS: True}, index=i)
    person("Not Me", consents={MAILINGS: False}, index=9)
    response = staff_client.post("/admin/mailings/mailing/add/", form_data())
    assert response.status_code == 302, response.context["adminform"].form.errors
    mailing = Mailing.objects.get()
    assert mailing.texts["sv"]["subject"] == "Nyheter"
    assert "da" not in mailing.texts

    page = staff_client.get(f"/admin/mailings/mailing/{mailing.pk}/change/").content.decode()
    assert "3 people (as last saved)" in page

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            f"/admin/mailings/mailing/{mailing.pk}/change/", form_data(_send_test="1")
        )
    assert sorted(m.subject for m in mail.outbox) == ["News", "Nyheter"]
    assert {m.to[0] for m in mail.outbox} == {"sara@example.org"}
    assert not MailingRecipient.objects.exists()
    mail.outbox.clear()

    confirm = staff_client.get(f"/admin/mailings/mailing/{mailing.pk}/send/").content.decode()
    assert "Send to 3 people" in confirm
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(f"/admin/mailings/mailing/{mailing.pk}/send/")
    assert len(mail.outbox) == 3
    page = staff_client.get(f"/admin/mailings/mailing/{mailing.pk}/change/").content.decode()
    assert "sent: 3" in page
    recipients = staff_client.get(
        f"/admin/mailings/mailingrecipient/?mailing__id__exact={mailing.pk}"
    ).content.decode()
    assert "Member 2" in recipients and "Not Me" not in recipients


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_mailing_pages_cost_the_same_at_any_size(
    staff_client, django_capture_on_commit_callbacks, secretariat
):
    from mailings import services

    def add_mailing(size: int, prefix: str) -> Mailing:
        people(size, consents={MAILINGS: True}, languages=["en", "da"], prefix=prefix)
        mailing = Mailing.objects.create(texts={"en": {"subject": "News", "body": "Hello"}})
        with django_capture_on_commit_callbacks(execute=True):
            services.send_mailing(mailing, by=secretariat)
        return mailing

    small = add_mailing(2, "Few")
    urls = [
        "/admin/mailings/mailing/",
        "/admin/mailings/mailingrecipient/",
        f"/admin/mailings/mailing/{small.pk}/change/",
    ]
    # Once first, so that what a first request caches (content types, permissions) is cached.
    for url in urls:
        queries(staff_client, url)
    before = [queries(staff_client, url) for url in urls]
    add_mailing(30, "Many")
    add_mailing(5, "More")
    after = [queries(staff_client, url) for url in urls]
    assert before == after
