from __future__ import annotations

import secrets
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.core.management.base import BaseCommand

from diagnoses.models import Association, Diagnosis, DiagnosisGroup
from diagnoses.services import save_diagnosis
from diagnoses.text import fold
from members import services
from members.consents import CONSENT_TEXTS
from members.models import Application
from members.roles import consultant_role, secretariat_role

from ... import demo

STAFF_USERNAME = "secretariat"
CONSULTANT_USERNAME = "consultant"


class Command(BaseCommand):
    help = (
        "Load demo data once: real rare diagnoses, a few groups with members (admitted through "
        "the real approval flow, so their emails are written too), applications waiting for "
        "review, and logins for the secretariat and the medical consultant, which are printed."
    )

    def handle(self, *args, **options):
        # One "username password" line per demo login, readable by its owner only, and
        # printed on every run so that `make run` always says how to sign in.
        login_file = settings.VAR_DIR / "demo-staff-login.txt"
        logins = {}
        if login_file.exists():
            logins = dict(line.split() for line in login_file.read_text().splitlines())
        User = get_user_model()
        created = {}
        if not User.objects.filter(username=STAFF_USERNAME).exists():
            staff, created[STAFF_USERNAME] = staff_login(STAFF_USERNAME, secretariat_role())
            with mail_kept_apart(self.stdout):
                self.load(staff)
        if not User.objects.filter(username=CONSULTANT_USERNAME).exists():
            _consultant, created[CONSULTANT_USERNAME] = staff_login(
                CONSULTANT_USERNAME, consultant_role()
            )
        if created:
            logins.update(created)
            login_file.parent.mkdir(parents=True, exist_ok=True)
            login_file.write_text(
                "".join(f"{user} {password}\n" for user, password in logins.items())
            )
            login_file.chmod(0o600)
        for who, username, sees in [
            ("Staff", STAFF_USERNAME, ""),
            ("Consultant", CONSULTANT_USERNAME, " (sees anonymised cases only)"),
        ]:
            if username in logins:
                self.stdout.write(
                    f"{who} login: user {username}, password {logins[username]}{sees}"
                )

    def load(self, staff) -> None:
        for code, name, icd10, synonyms in demo.DIAGNOSES:
            save_diagnosis(Diagnosis(orpha_code=code, name=name, icd10_codes=icd10), synonyms)
        for code, people in demo.PEOPLE.items():
            diagnosis = Diagnosis.objects.get(orpha_code=code)
            for person in people:
                application = self.apply(person, diagnosis, "")
                services.approve_application(application, by=staff)
        for name, website, email, phone, countries, codes, umbrella in demo.ASSOCIATIONS:
            association = Association.objects.create(
                name=name,
                website=website,
                email=email,
                phone=phone,
                # A list, as CountryField(multiple=True) takes; the stubs see a CharField.
                countries=countries,  # type: ignore[misc]
                is_umbrella_member=umbrella,
            )
            association.diagnoses.set(Diagnosis.objects.filter(orpha_code__in=codes))
        code, name = demo.FOUNDED_ASSOCIATION
        group = DiagnosisGroup.objects.get(diagnoses__orpha_code=code)
        group.status = DiagnosisGroup.Status.HAS_ASSOCIATION
        group.association = Association.objects.get(name=name)
        group.save(update_fields=["status", "association"])
        for *applicant, chosen_code, typed in demo.WAITING:
            chosen = Diagnosis.objects.get(orpha_code=chosen_code) if chosen_code else None
            self.apply(applicant, chosen, typed)
        self.stdout.write(
            f"Loaded {len(demo.DIAGNOSES)} diagnoses, {len(demo.PEOPLE)} groups, "
            f"{len(demo.ASSOCIATIONS)} associations, "
            f"{len(demo.WAITING)} applications awaiting review."
        )

    def apply(self, person, diagnosis, typed) -> Application:
        name, relationship, year, street, postal_code, city, country, phone, language = person
        email = fold(name).replace(" ", ".") + "@example.org"
        details = services.ApplicantDetails(
            full_name=name,
            relationship=relationship,
            birth_year=year,
            street_address=street,
            postal_code=postal_code,
            city=city,
            country=country,
            phone=phone,
            email=email,
            diagnosis=diagnosis,
            diagnosis_text=typed,
            language=language,
        )
        application = services.submit_application(details, dict.fromkeys(CONSENT_TEXTS, True))
        services.confirm_email(application)
        return application


@contextmanager
def mail_kept_apart(stdout):
    """The demo's own emails (its members' welcomes and lists, dozens of them) moved from
    var/mail/ to var/mail/demo/, so that a newcomer finds their own confirmation email in
    var/mail/ alone. Only where emails are written to files: SMTP sends them as it would."""
    if settings.EMAIL_BACKEND != "django.core.mail.backends.filebased.EmailBackend":
        yield
        return
    mail = Path(settings.EMAIL_FILE_PATH)
    before = set(mail.glob("*.log"))
    yield
    demo_mail = mail / "demo"
    demo_mail.mkdir(mode=0o700, parents=True, exist_ok=True)
    written = sorted(set(mail.glob("*.log")) - before)
    for path in written:
        path.rename(demo_mail / path.name)
    stdout.write(f"The demo data's {len(written)} email files are in {demo_mail}/.")


def staff_login(username: str, role: Group) -> tuple[AbstractUser, str]:
    """A staff user in `role`, with a new random password; returns both."""
    password = secrets.token_urlsafe(12)
    user = get_user_model().objects.create_user(username, is_staff=True, password=password)
    user.groups.add(role)
    return user, password
