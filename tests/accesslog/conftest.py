"""The data protection persona, and an applicant in the review queue."""

from __future__ import annotations

import pytest

from members import services
from members.models import Application
from members.roles import data_protection_role

from ..conftest import ALL_CONSENTS
from ..seeding import applicant_details


@pytest.fixture
def data_protection(django_user_model):
    """Dora, who looks after data protection: she reads the access log, nothing else."""
    user = django_user_model.objects.create_user("dora", password="s3cret-pass", is_staff=True)
    user.groups.add(data_protection_role())
    return user


@pytest.fixture
def application(alstrom) -> Application:
    """Freja's application, confirmed and waiting for review."""
    submitted = services.submit_application(
        applicant_details("Freja Christensen", alstrom), ALL_CONSENTS
    )
    services.confirm_email(submitted)
    return Application.objects.get(pk=submitted.pk)


@pytest.fixture
def member_of_a(member_of_a):
    """Mette, a member; the log starts empty after the approval that made her one (it is
    logged as a change of her application, as every decision is)."""
    from accesslog.models import AccessRecord

    AccessRecord.objects.all().delete()
    return member_of_a


@pytest.fixture
def member_of_b(member_of_b):
    from accesslog.models import AccessRecord

    AccessRecord.objects.all().delete()
    return member_of_b
