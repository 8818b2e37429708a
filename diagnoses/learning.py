"""Names learnt from review: the network's own words for its diagnoses.

When staff approve or refer an application whose typed diagnosis did not find the chosen
catalogue entry among the first results, the typed text is proposed as a name for that entry
in the applicant's language. Staff accept or dismiss each proposal in admin.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from .models import NAME_LANGUAGES, Diagnosis, DiagnosisName, ProposedName
from .search import is_searchable, search_diagnoses

# The applicant saw this many matches first on the form, and so does the reviewer.
FIRST_MATCHES = 3


def propose_typed_name(
    typed: str, language: str, chosen: Diagnosis | None, covering: Iterable[Diagnosis] = ()
) -> ProposedName | None:
    """Propose what the applicant typed as a name of the entry staff chose for them: the
    application's own entry, or else the one entry that the group or association they were
    approved into or referred to covers (with several, which one was meant is unknown).

    Nothing is proposed when the text already finds the entry among the first matches,
    when the entry has that name already, or when it was proposed before (also when it was
    dismissed)."""
    typed = " ".join(typed.split())
    if chosen is None:
        covered = list(covering)
        chosen = covered[0] if len(covered) == 1 else None
    if chosen is None or not typed or not is_searchable(typed):
        return None
    if language not in dict(NAME_LANGUAGES):
        return None
    if chosen in search_diagnoses(typed, limit=FIRST_MATCHES):
        return None
    if chosen.names.filter(name__iexact=typed, language=language).exists():
        return None
    proposal, created = ProposedName.objects.get_or_create(
        diagnosis=chosen, language=language, name=typed
    )
    return proposal if created else None


@transaction.atomic
def accept_proposed_name(proposal: ProposedName) -> DiagnosisName:
    """The proposal becomes a staff name of its entry, which search then finds it by."""
    name, _created = DiagnosisName.objects.get_or_create(
        diagnosis=proposal.diagnosis,
        language=proposal.language,
        name=proposal.name,
        defaults={"source": DiagnosisName.Source.STAFF},
    )
    diagnosis = proposal.diagnosis
    diagnosis.refresh_search_text()
    diagnosis.save(update_fields=["search_text", "match_text"])
    _decide(proposal, ProposedName.Status.ACCEPTED)
    return name


def dismiss_proposed_name(proposal: ProposedName) -> None:
    _decide(proposal, ProposedName.Status.DISMISSED)


def _decide(proposal: ProposedName, status: str) -> None:
    proposal.status = status
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_at"])
