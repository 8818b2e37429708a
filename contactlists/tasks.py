from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from diagnoses.models import DiagnosisGroup

from . import services


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=None,
)
def build_contact_list_task(group_id: int) -> None:
    group = DiagnosisGroup.objects.filter(pk=group_id).first()
    if group is not None:
        services.build_contact_list(group)


@shared_task(name="contactlists.tasks.sweep")
def sweep() -> None:
    services.sweep()
