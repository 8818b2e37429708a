from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    # A link that comes much later than asked for is no help: the member asks again.
    max_retries=4,
)
def send_sign_in_link_task(address: str) -> None:
    """Looks the address up and, for a member, queues the link; the request that asked
    only published this, the same for any address. Run twice, it sends two links, of
    which the first one used ends the other."""
    services.send_sign_in_link(address)
