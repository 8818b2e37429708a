"""Only the secretariat decides: staff without the permission are refused, and an anonymous
visitor is sent to the admin sign-in. Neither changes anything."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from members.models import Application, Membership, Person

from .conftest import confirmed

DECISIONS = [
    pytest.param("approve", {"group": "", "confirm": "Confirm"}, id="approve"),
    pytest.param("reject", {"reason": "No.", "confirm": "Confirm"}, id="reject"),
]


@pytest.fixture
def application(alstrom):
    return confirmed("Freja Christensen", alstrom)


@pytest.fixture
def staff_without_permissions(django_user_model):
    return django_user_model.objects.create_user("tom", password="s3cret-pass", is_staff=True)


@pytest.fixture
def staff_who_may_only_look(django_user_model):
    user = django_user_model.objects.create_user("vera", password="s3cret-pass", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_application"))
    return user


def assert_still_waiting(application: Application) -> None:
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_REVIEW
    assert application.decided_by is None
    assert not Person.objects.exists()
    assert not Membership.objects.exists()


@pytest.mark.parametrize("user", ["staff_without_permissions", "staff_who_may_only_look"])
@pytest.mark.parametrize(("decision", "data"), DECISIONS)
def test_staff_without_the_permission_are_refused(
    client,
    request,
    application,
    mailoutbox,
    django_capture_on_commit_callbacks,
    user,
    decision,
    data,
):
    client.force_login(request.getfixturevalue(user))
    url = reverse(f"admin:members_application_{decision}", args=[application.pk])

    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 403
        assert client.post(url, data).status_code == 403
    assert_still_waiting(application)
    assert mailoutbox == []


def test_staff_who_may_only_look_see_the_queue_but_cannot_act_from_it(
    client, staff_who_may_only_look, application
):
    client.force_login(staff_who_may_only_look)
    queue = reverse("admin:members_reviewqueue_changelist")

    response = client.get(queue)

    assert "Freja Christensen" in response.content.decode()
    assert 'value="approve"' not in response.content.decode()
    client.post(
        queue,
        {"action": "approve", "_selected_action": [application.pk], "group": "", "confirm": "1"},
    )
    assert_still_waiting(application)


def test_staff_without_permissions_do_not_see_the_queue(
    client, staff_without_permissions, application
):
    client.force_login(staff_without_permissions)

    response = client.get(reverse("admin:members_reviewqueue_changelist"))

    assert response.status_code == 403


@pytest.mark.parametrize(("decision", "data"), DECISIONS)
def test_an_anonymous_visitor_is_sent_to_the_admin_sign_in(
    visitor, application, mailoutbox, django_capture_on_commit_callbacks, decision, data
):
    url = reverse(f"admin:members_application_{decision}", args=[application.pk])

    with django_capture_on_commit_callbacks(execute=True):
        responses = [visitor.get(url), visitor.post(url, data)]
    for response in responses:
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
        assert f"next={url}" in response.url
    assert_still_waiting(application)
    assert mailoutbox == []
