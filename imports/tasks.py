from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from .models import MemberImport
from .services import run_step


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=10,
)
def run_member_import(import_id: int) -> None:
    """The dry run or the import of one spreadsheet, as its status asks. Run again (a lost
    worker, a retry), it plans the rows afresh and writes only what is not there yet."""
    member_import = MemberImport.objects.filter(pk=import_id).first()
    if member_import is None:
        return
    try:
        run_step(member_import)
    except (OperationalError, InterfaceError):
        raise
    except Exception as error:
        # Staff see that it stopped, instead of a dry run "under way" for ever.
        MemberImport.objects.filter(pk=import_id).update(
            status=MemberImport.Status.FAILED, failure=f"{type(error).__name__}: {error}"[:2000]
        )
        raise
