"""`manage.py load_demo_data` fills an empty database with something to look at: real
diagnoses, groups with members, applications waiting for review, and a staff login it
prints. Run again, it adds nothing and prints the same login."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.urls import reverse

from diagnoses.models import Diagnosis, DiagnosisGroup
from members.models import Application, Membership, Person
from network import demo

from .conftest import printed_login
from .signing_in import sign_in


def counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Diagnosis, DiagnosisGroup, Person, Membership, Application, get_user_model())
    }


def test_the_demo_data_gives_diagnoses_groups_applications_and_a_staff_login(
    load, client, tmp_path
):
    output = load()

    assert Diagnosis.objects.count() == len(demo.DIAGNOSES)
    for code, people in demo.PEOPLE.items():
        group = DiagnosisGroup.objects.get(diagnoses__orpha_code=code)
        members = Membership.objects.active().filter(group=group)
        assert sorted(m.person.full_name for m in members) == sorted(p[0] for p in people)
    waiting = Application.objects.awaiting_review()
    assert sorted(a.full_name for a in waiting) == sorted(w[0] for w in demo.WAITING)

    username, password = printed_login(output)
    response = sign_in(client, username, password, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:index")
    assert response.context["user"].is_authenticated
    assert response.context["user"].username == username
    assert reverse("admin:members_reviewqueue_changelist") in response.content.decode()
    # The password is kept where only its owner can read it.
    login_file = tmp_path / "demo-staff-login.txt"
    assert login_file.stat().st_mode & 0o077 == 0


def test_loading_the_demo_data_twice_adds_nothing_and_prints_the_same_login(load):
    first = load()
    loaded = counts()

    second = load()

    assert counts() == loaded
    assert printed_login(second) == printed_login(first)


def test_the_demo_emails_are_kept_apart_from_the_newcomers_own(
    transactional_db, load, settings, tmp_path
):
    # As in the embedded mode: emails written as files to var/mail/ as each approval commits.
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"

    output = load()

    demo_mail = sorted((tmp_path / "mail" / "demo").glob("*.log"))
    assert demo_mail, "the demo's members were welcomed and sent their lists"
    assert f"{len(demo_mail)} email files are in {tmp_path / 'mail' / 'demo'}/" in output
    assert list((tmp_path / "mail").glob("*.log")) == []
