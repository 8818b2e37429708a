"""Wrong staff passwords lock the account: after STAFF_SIGN_IN_FAILURES of them (10), from
whatever address, the right password too is refused until the lockout ends, an hour after
the last wrong one (STAFF_LOCKOUT_MINUTES). The lockout page says until when, and whom to
write to; each wrong password is logged, never the password itself."""

from __future__ import annotations

import logging
from datetime import timedelta

from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import formats, timezone

from network.checks import check_staff_sign_in

from .signing_in import sign_in

PASSWORD = "s3cret-pass"  # the secretariat persona's (tests/conftest.py)


def wrong_passwords(client, username: str, count: int):
    """`count` wrong passwords, each from another address and browser, as an attacker who
    rotates them would send."""
    response = None
    for n in range(count):
        response = sign_in(
            client,
            username,
            f"guess-{n}",
            REMOTE_ADDR=f"203.0.113.{n + 1}",
            HTTP_USER_AGENT=f"Browser {n}",
        )
    return response


def signed_in(client) -> bool:
    return client.get(reverse("admin:index")).status_code == 200


def time_passes(delta: timedelta) -> None:
    """The wrong passwords were typed `delta` earlier than they were."""
    for attempt in AccessAttempt.objects.all():
        attempt.attempt_time -= delta
        attempt.save(update_fields=["attempt_time"])


def test_twenty_wrong_passwords_lock_the_account_until_the_lockout_ends(client, secretariat):
    locking = wrong_passwords(client, "sara", 20)

    assert locking.status_code == 429
    refused = sign_in(client, "sara", PASSWORD)
    assert refused.status_code == 429
    assert not signed_in(client)
    page = refused.content.decode()
    assert "Signing in is paused" in page
    last = AccessAttempt.objects.latest("attempt_time").attempt_time
    until = formats.date_format(timezone.localtime(last + timedelta(hours=1)), "DATETIME_FORMAT")
    assert f"The lockout lasts until {until}; then you can sign in again." in page
    assert 'href="mailto:secretariat@example.org"' in page

    time_passes(timedelta(minutes=59))
    assert sign_in(client, "sara", PASSWORD).status_code == 429
    assert not signed_in(client)

    time_passes(timedelta(minutes=2))
    signing_in = sign_in(client, "sara", PASSWORD)
    assert signing_in.status_code == 302
    assert signing_in.url == reverse("admin:index")
    assert signed_in(client)


def test_the_lockout_comes_at_the_limit_and_not_before(client, secretariat, settings):
    limit = settings.AXES_FAILURE_LIMIT
    assert limit == 10

    assert wrong_passwords(client, "sara", limit - 1).status_code == 200  # the form, again
    assert wrong_passwords(client, "sara", 1).status_code == 429
    assert sign_in(client, "sara", PASSWORD).status_code == 429


def test_a_sign_in_forgets_the_typos_before_it(client, secretariat, settings):
    wrong_passwords(client, "sara", settings.AXES_FAILURE_LIMIT - 1)
    assert sign_in(client, "sara", PASSWORD).status_code == 302
    client.logout()

    assert wrong_passwords(client, "sara", settings.AXES_FAILURE_LIMIT - 1).status_code == 200
    assert sign_in(client, "sara", PASSWORD).status_code == 302


def test_a_locked_account_does_not_lock_another(client, secretariat, consultant):
    wrong_passwords(client, "sara", 20)

    assert sign_in(client, "carl", PASSWORD).status_code == 302


def test_a_try_while_locked_does_not_move_the_end_of_the_lockout(client, secretariat):
    wrong_passwords(client, "sara", 20)
    time_passes(timedelta(minutes=50))

    assert wrong_passwords(client, "sara", 5).status_code == 429
    time_passes(timedelta(minutes=11))

    assert sign_in(client, "sara", PASSWORD).status_code == 302


def test_staff_who_look_after_the_accounts_lift_a_lockout(client, secretariat, consultant):
    wrong_passwords(client, "carl", 20)
    assert sign_in(client, "carl", PASSWORD).status_code == 429

    client.force_login(secretariat)
    # Axes' own "locked out" filter counts the attempts from one address and browser;
    # the account's attempts, from whatever address, are found by its user name.
    attempts = client.get(reverse("admin:axes_accessattempt_changelist") + "?q=carl")
    assert attempts.status_code == 200
    assert attempts.context["cl"].result_count == 10  # the tries while locked are not kept
    client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": list(AccessAttempt.objects.values_list("pk", flat=True)),
            "post": "yes",
        },
    )
    client.logout()

    assert sign_in(client, "carl", PASSWORD).status_code == 302


def test_each_wrong_password_is_logged_and_no_password_is_kept(client, secretariat, caplog):
    with caplog.at_level(logging.WARNING):
        wrong_passwords(client, "sara", 2)

    failures = [r.getMessage() for r in caplog.records if "login failure" in r.getMessage()]
    assert len(failures) == 2
    assert all("sara" in failure for failure in failures)
    assert any("203.0.113.1" in failure for failure in failures)
    kept = " ".join(AccessAttempt.objects.values_list("post_data", flat=True))
    assert "auth-username=sara" in kept
    assert "guess-" not in kept
    assert "guess-" not in caplog.text


def test_a_lockout_later_than_twenty_wrong_passwords_or_shorter_than_a_minute_stops_start_up(
    settings,
):
    settings.AXES_FAILURE_LIMIT = 21
    settings.AXES_COOLOFF_TIME = timedelta(seconds=30)

    errors = {error.id: error for error in check_staff_sign_in(None)}

    assert set(errors) == {"network.E003", "network.E004"}
    assert all(error.is_serious() for error in errors.values())
    assert "STAFF_SIGN_IN_FAILURES is 21" in errors["network.E003"].msg
