from __future__ import annotations

import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand

from diagnoses.models import Diagnosis
from diagnoses.services import save_diagnosis
from diagnoses.text import fold
from members import services
from members.consents import CONSENT_TEXTS
from members.models import Application

from ... import demo

STAFF_USERNAME = "secretariat"


class Command(BaseCommand):
    help = (
        "Load demo data once: real rare diagnoses, a few groups with members (admitted through "
        "the real approval flow, so their emails are written too), applications waiting for "
        "review, and a staff login, which is printed."
    )

    def handle(self, *args, **options):
        login_file = settings.VAR_DIR / "demo-staff-login.txt"
        User = get_user_model()
        if not User.objects.filter(username=STAFF_USERNAME).exists():
            password = secrets.token_urlsafe(12)
            staff = User.objects.create_user(STAFF_USERNAME, is_staff=True, password=password)
            staff.groups.add(secretariat_role())
            self.load(staff)
            login_file.parent.mkdir(parents=True, exist_ok=True)
            login_file.write_text(f"{STAFF_USERNAME} {password}\n")
            login_file.chmod(0o600)
        if login_file.exists():
            username, password = login_file.read_text().split()
            self.stdout.write(f"Staff login: user {username}, password {password}")

    def load(self, staff) -> None:
        for code, name, icd10, synonyms in demo.DIAGNOSES:
            save_diagnosis(Diagnosis(orpha_code=code, name=name, icd10_codes=icd10), synonyms)
        for code, people in demo.PEOPLE.items():
            diagnosis = Diagnosis.objects.get(orpha_code=code)
            for person in people:
                application = self.apply(person, diagnosis, "")
                services.approve_application(application, by=staff)
        for *person, code, typed in demo.WAITING:
            diagnosis = Diagnosis.objects.get(orpha_code=code) if code else None
            self.apply(person, diagnosis, typed)
        self.stdout.write(
            f"Loaded {len(demo.DIAGNOSES)} diagnoses, {len(demo.PEOPLE)} groups, "
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


def secretariat_role() -> Group:
    role, _created = Group.objects.get_or_create(name="Secretariat")
    role.permissions.set(
        Permission.objects.filter(
            content_type__app_label__in=["diagnoses", "members", "contactlists"]
        )
    )
    return role
