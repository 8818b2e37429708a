from __future__ import annotations

from diagnoses.text import fold
from members.models import Person

from .models import MemberImport


def forget_erased_person(sender, *, person_id: int, **kwargs) -> None:
    """members.signals.person_erased: the person's rows go from every import's stored sheet
    and outcomes, as they go from the rest of the network's records."""
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        return
    email = person.email.lower()
    name = fold(person.full_name)
    pseudonym = str(person.pseudonym)

    def theirs(cells: list) -> bool:
        texts = {str(cell).strip().lower() for cell in cells}
        return bool(email and email in texts) or name in {fold(str(cell)) for cell in cells}

    for member_import in MemberImport.objects.only("pk", "rows", "outcomes").iterator():
        rows = [row for row in member_import.rows if not theirs(row[1:])]
        outcomes = [
            outcome
            for outcome in member_import.outcomes
            if outcome.get("pseudonym") != pseudonym and fold(outcome.get("name", "")) != name
        ]
        if len(rows) != len(member_import.rows) or len(outcomes) != len(member_import.outcomes):
            MemberImport.objects.filter(pk=member_import.pk).update(rows=rows, outcomes=outcomes)
