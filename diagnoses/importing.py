"""Bringing the catalogue in step with a release of Orphanet's nomenclature pack.

`orphanet.py` reads the pack's files; this module applies what it read to the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from .models import Diagnosis, DiagnosisGroup, DiagnosisName, match_text_for, search_text_for
from .orphanet import Pack


@dataclass
class ImportReport:
    """What an import of Orphanet's pack changed in the catalogue."""

    added: int = 0
    updated: int = 0
    retired: int = 0
    reactivated: int = 0
    synonyms_added: int = 0
    synonyms_removed: int = 0
    parents_added: int = 0
    parents_removed: int = 0
    # (group name, retired ORPHA code, replacing ORPHA code)
    groups_moved: list[tuple[str, int, int]] = field(default_factory=list)
    parents_skipped: bool = False

    @property
    def changed(self) -> bool:
        return any(
            [
                self.added,
                self.updated,
                self.retired,
                self.synonyms_added,
                self.synonyms_removed,
                self.parents_added,
                self.parents_removed,
                self.groups_moved,
            ]
        )

    def lines(self) -> list[str]:
        lines = []
        if not self.changed:
            lines.append("No changes.")
        else:
            lines.append(
                f"Added {self.added}, updated {self.updated} "
                f"(of which {self.reactivated} active again), retired {self.retired}."
            )
            lines.append(
                f"Synonyms: {self.synonyms_added} added, {self.synonyms_removed} removed. "
                f"Parent links: {self.parents_added} added, {self.parents_removed} removed."
            )
            lines.append(f"Groups moved to a replacing code: {len(self.groups_moved)}.")
            lines.extend(
                f"  {group}: ORPHA:{old} is retired, group now also covers ORPHA:{new}"
                for group, old, new in self.groups_moved
            )
        if self.parents_skipped:
            lines.append("No classification files: parents left as they were.")
        return lines


@transaction.atomic
def import_orphanet(pack: Pack, *, dry_run: bool = False) -> ImportReport:
    """Bring the catalogue in step with a release of Orphanet's nomenclature pack.

    Entries are matched by ORPHA code and updated in place: name, level, English synonyms,
    ICD-10 codes and parents. A code that Orphanet retired, or that is no longer in the pack,
    is marked inactive and points to its replacement; every group that covered it then also
    covers the replacement, so that applicants searching the new code find the group.
    Names staff entered, in any language, and prevalence judgements are left alone.
    """
    report = ImportReport()
    existing = {d.orpha_code: d for d in Diagnosis.objects.order_by()}

    new = [
        Diagnosis(
            orpha_code=entry.orpha_code,
            name=entry.name,
            level=entry.level,
            icd10_codes=" ".join(entry.icd10_codes),
            search_text=search_text_for(
                entry.name, entry.synonyms, entry.orpha_code, " ".join(entry.icd10_codes)
            ),
            match_text=match_text_for(
                entry.name, entry.synonyms, entry.orpha_code, " ".join(entry.icd10_codes)
            ),
        )
        for code, entry in pack.entries.items()
        if code not in existing
    ]
    Diagnosis.objects.bulk_create(new, batch_size=2000)
    report.added = len(new)
    by_code = {**existing, **{d.orpha_code: d for d in new}}

    changed: dict[int, Diagnosis] = {}
    newly_retired: list[Diagnosis] = []
    for code, diagnosis in existing.items():
        entry = pack.entries.get(code)
        if entry is not None:
            wanted = {
                "name": entry.name,
                "level": entry.level,
                "icd10_codes": " ".join(entry.icd10_codes),
                "is_active": True,
                "replaced_by_id": None,
            }
        elif code in pack.retired:
            target = pack.retired[code]
            replacement = by_code.get(target) if target is not None else None
            wanted = {"is_active": False, "replaced_by_id": replacement.pk if replacement else None}
        else:
            # Missing from the pack and not listed as retired: inactive; a replacement that
            # staff set stays.
            wanted = {"is_active": False}
        differs = {k: v for k, v in wanted.items() if getattr(diagnosis, k) != v}
        if not differs:
            continue
        if entry is None and diagnosis.is_active:
            report.retired += 1
        else:
            report.updated += 1
            if entry is not None and not diagnosis.is_active:
                report.reactivated += 1
        if differs.get("replaced_by_id"):
            newly_retired.append(diagnosis)
        for key, value in differs.items():
            setattr(diagnosis, key, value)
        changed[diagnosis.pk] = diagnosis
    _sync_synonyms(pack, by_code, report)
    _sync_parents(pack, by_code, report)
    _move_groups(newly_retired, report)

    # Search text: recomputed for every entry in memory, written only where it differs.
    names: dict[int, list[str]] = {}
    for diagnosis_id, name in DiagnosisName.objects.values_list("diagnosis_id", "name"):
        names.setdefault(diagnosis_id, []).append(name)
    for diagnosis in by_code.values():
        about = (diagnosis.name, names.get(diagnosis.pk, []), diagnosis.orpha_code)
        text = search_text_for(*about, diagnosis.icd10_codes)
        keys = match_text_for(*about, diagnosis.icd10_codes)
        if text != diagnosis.search_text or keys != diagnosis.match_text:
            diagnosis.search_text = text
            diagnosis.match_text = keys
            changed[diagnosis.pk] = diagnosis
    Diagnosis.objects.bulk_update(
        changed.values(),
        ["name", "level", "icd10_codes", "is_active", "replaced_by", "search_text", "match_text"],
        batch_size=500,
    )
    if dry_run:
        transaction.set_rollback(True)
    return report


def _sync_synonyms(pack: Pack, by_code: dict[int, Diagnosis], report: ImportReport) -> None:
    """Orphanet's own English synonyms: add the new ones, remove those it dropped. Names
    staff added stay, also English ones; a synonym Orphanet adds that staff had already
    added stays theirs."""
    code_of = {d.pk: code for code, d in by_code.items()}
    taken: set[tuple[int, str]] = set()
    stale: list[int] = []
    for pk, diagnosis_id, name, source in DiagnosisName.objects.filter(language="en").values_list(
        "pk", "diagnosis_id", "name", "source"
    ):
        code = code_of.get(diagnosis_id)
        entry = pack.entries.get(code) if code is not None else None
        orphanets = source == DiagnosisName.Source.ORPHANET
        if orphanets and entry is not None and name not in entry.synonyms:
            stale.append(pk)
        else:
            taken.add((diagnosis_id, name))
    DiagnosisName.objects.filter(pk__in=stale).delete()
    report.synonyms_removed = len(stale)
    wanted = [
        DiagnosisName(
            diagnosis=by_code[code], name=name, language="en", source=DiagnosisName.Source.ORPHANET
        )
        for code, entry in pack.entries.items()
        for name in sorted(entry.synonyms)
        if (by_code[code].pk, name) not in taken
    ]
    DiagnosisName.objects.bulk_create(wanted, batch_size=2000)
    report.synonyms_added = len(wanted)


def _sync_parents(pack: Pack, by_code: dict[int, Diagnosis], report: ImportReport) -> None:
    """Parents follow Orphanet's classification trees, for the active entries."""
    if pack.parents is None:
        report.parents_skipped = True
        return
    Link = Diagnosis.parents.through  # noqa: N806 (a model class)
    wanted = {(by_code[child].pk, by_code[parent].pk) for child, parent in pack.parents}
    active_ids = {by_code[code].pk for code in pack.entries}
    stale = []
    have = set()
    for pk, child, parent in Link.objects.values_list("pk", "from_diagnosis_id", "to_diagnosis_id"):
        if (child, parent) in wanted:
            have.add((child, parent))
        elif child in active_ids:
            stale.append(pk)
    Link.objects.filter(pk__in=stale).delete()
    Link.objects.bulk_create(
        [Link(from_diagnosis_id=c, to_diagnosis_id=p) for c, p in sorted(wanted - have)],
        batch_size=5000,
    )
    report.parents_added = len(wanted - have)
    report.parents_removed = len(stale)


def _move_groups(retired: list[Diagnosis], report: ImportReport) -> None:
    """Every group covering a retired code also covers its replacement."""
    replacements = {d.pk: d.replaced_by_id for d in retired if d.replaced_by_id}
    if not replacements:
        return
    Cover = DiagnosisGroup.diagnoses.through  # noqa: N806 (a model class)
    covers = list(
        Cover.objects.filter(diagnosis_id__in=replacements).values_list(
            "diagnosisgroup_id", "diagnosis_id"
        )
    )
    has = set(
        Cover.objects.filter(
            diagnosisgroup_id__in={g for g, _ in covers}, diagnosis_id__in=replacements.values()
        ).values_list("diagnosisgroup_id", "diagnosis_id")
    )
    codes = dict(
        Diagnosis.objects.filter(pk__in={*replacements, *replacements.values()}).values_list(
            "pk", "orpha_code"
        )
    )
    group_names = dict(
        DiagnosisGroup.objects.filter(pk__in={g for g, _ in covers}).values_list("pk", "name")
    )
    added = []
    for group_id, old in sorted(covers):
        new = replacements[old]
        if (group_id, new) not in has:
            has.add((group_id, new))
            added.append(Cover(diagnosisgroup_id=group_id, diagnosis_id=new))
            report.groups_moved.append((group_names[group_id], codes[old], codes[new]))
    Cover.objects.bulk_create(added)
