from __future__ import annotations

from celery import shared_task

from diagnoses.models import DiagnosisGroup

from . import services
from .models import ContactList


@shared_task(acks_late=True)
def build_contact_list_task(group_id: int) -> None:
    group = DiagnosisGroup.objects.filter(pk=group_id).first()
    if group is not None:
        services.build_contact_list(group)


@shared_task(acks_late=True)
def send_contact_list_task(contact_list_id: int) -> None:
    """Sends what is due now; retries after a failure are due later and the sweep,
    which runs every minute, sends them then."""
    contact_list = ContactList.objects.filter(pk=contact_list_id).first()
    if contact_list is not None:
        services.send_due_deliveries(contact_list)


@shared_task(name="contactlists.tasks.sweep")
def sweep() -> None:
    services.sweep()
