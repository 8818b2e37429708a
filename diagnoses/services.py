"""Finding diagnoses and the associations that cover them; importing the catalogue."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import Case, F, Func, IntegerField, Q, QuerySet, Value, When

from .models import Association, Diagnosis, DiagnosisGroup, DiagnosisName, search_text_for
from .orphanet import Pack
from .text import fold

ORPHA_CODE = re.compile(r"^\s*(?:orpha\s*:?\s*)?(\d{1,7})\s*$", re.IGNORECASE)


# How close a misspelling must be to a name, as pg_trgm's word_similarity: the share of the
# typed text's trigrams found in one stretch of the search text. 0.7 lets one wrong letter
# in a two-word name through, and keeps out entries that share only a common word such as
# "syndrome" (which also keeps the trigram index selective, hence fast).
TYPO_THRESHOLD = 0.7
MIN_TYPO_LENGTH = 4


def search_diagnoses(query: str, limit: int = 10) -> QuerySet[Diagnosis]:
    """Catalogue entries matching a name, synonym, ORPHA code or ICD-10 code.

    Every word typed must appear; æ/ø/å match ae/oe/aa. Entries whose name starts with
    what was typed come first. On PostgreSQL, entries whose preferred name is closest to
    what was typed come next, and a misspelt name (a wrong letter, a missing word) also
    finds its entry, after the entries where every word appears.
    """
    code = ORPHA_CODE.match(query)
    if code:
        return Diagnosis.objects.filter(orpha_code=int(code.group(1)), is_active=True)[:limit]
    words = fold(query).split()
    if not words:
        return Diagnosis.objects.none()
    folded = " ".join(words)
    every_word = Q()
    for word in words:
        every_word &= Q(search_text__contains=word)
    rank = Case(
        When(Q(search_text__startswith=folded), then=Value(0)),
        When(Q(search_text__contains=" " + folded), then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    active = Diagnosis.objects.filter(is_active=True)
    if connection.vendor != "postgresql":
        # SQLite has no trigrams: the plain search, where every word must appear.
        return active.filter(every_word).annotate(rank=rank).order_by("rank", "name")[:limit]
    return _search_with_typos(active, folded, every_word, rank, limit)


def _search_with_typos(
    active: QuerySet[Diagnosis], folded: str, every_word: Q, rank: Case, limit: int
) -> QuerySet[Diagnosis]:
    preferred_name = Func(F("search_text"), Value(" | "), Value(1), function="split_part")
    name_closeness = TrigramSimilarity(preferred_name, Value(folded))
    ids = list(
        active.filter(every_word)
        .annotate(rank=rank, name_closeness=name_closeness)
        .order_by("rank", "-name_closeness", "name")
        .values_list("pk", flat=True)[:limit]
    )
    # Misspellings come after the entries where every word appears. A query of a few
    # letters is too short to tell a typo from another word.
    if len(ids) < limit and len(folded) >= MIN_TYPO_LENGTH:
        # The threshold of pg_trgm's %> operator is a setting, local to this transaction.
        # The planner prices %> as cheap and would rather compute word_similarity for every
        # row of the catalogue (over 100 ms) than read the trigram index (a few ms).
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true),"
                " set_config('enable_seqscan', 'off', true)",
                [str(TYPO_THRESHOLD)],
            )
            # Closeness to some stretch of the names, plus to the preferred name as a whole,
            # so that "marfn syndrome" finds Marfan syndrome before an entry with a synonym
            # that merely contains "marfan".
            ids += (
                active.filter(search_text__trigram_word_similar=folded)
                .exclude(pk__in=ids)
                .annotate(closeness=TrigramWordSimilarity(folded, "search_text") + name_closeness)
                .order_by("-closeness", "name")
                .values_list("pk", flat=True)[: limit - len(ids)]
            )
    order = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)], default=Value(0))
    return Diagnosis.objects.filter(pk__in=ids).order_by(order)


# A word as common as "syndrome" matches thousands of catalogue entries: the closest few
# hundred are enough to find an association by a diagnosis it covers.
ASSOCIATION_SEARCH_DIAGNOSES = 200


def find_associations(query: str = "", country: str = "") -> QuerySet[Association]:
    """Associations in the register, by name or by a diagnosis they cover, and by country.

    A diagnosis is found as the catalogue search finds it; an association for a disorder is
    found by its subtypes too, as referral finds it.
    """
    associations = Association.objects.all()
    if country:
        # Codes are two letters joined by commas, so a code can only match itself.
        associations = associations.filter(countries__contains=country)
    query = query.strip()
    if query:
        diagnoses = search_diagnoses(query, limit=ASSOCIATION_SEARCH_DIAGNOSES)
        covering = Association.objects.covering(*diagnoses).values("pk")
        associations = associations.filter(Q(name__icontains=query) | Q(pk__in=covering))
    return associations


def association_countries() -> list[str]:
    """The codes of the countries that some association in the register works in."""
    associations = Association.objects.only("countries")
    return sorted({country.code for a in associations for country in a.countries})


def save_diagnosis(diagnosis: Diagnosis, synonyms: list[str] = ()) -> Diagnosis:
    """Save a catalogue entry with its English synonyms, keeping the search text in step."""
    diagnosis.save()
    for synonym in synonyms:
        diagnosis.names.get_or_create(name=synonym, language="en")
    diagnosis.refresh_search_text()
    diagnosis.save(update_fields=["search_text"])
    return diagnosis


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
    Names staff entered in other languages and prevalence judgements are left alone.
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
            replacement = by_code.get(pack.retired[code])
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
        text = search_text_for(
            diagnosis.name, names.get(diagnosis.pk, []), diagnosis.orpha_code, diagnosis.icd10_codes
        )
        if text != diagnosis.search_text:
            diagnosis.search_text = text
            changed[diagnosis.pk] = diagnosis
    Diagnosis.objects.bulk_update(
        changed.values(),
        ["name", "level", "icd10_codes", "is_active", "replaced_by", "search_text"],
        batch_size=500,
    )
    if dry_run:
        transaction.set_rollback(True)
    return report


def _sync_synonyms(pack: Pack, by_code: dict[int, Diagnosis], report: ImportReport) -> None:
    """English synonyms are Orphanet's: add the new ones, remove those it dropped."""
    code_of = {d.pk: code for code, d in by_code.items()}
    taken: set[tuple[int, str]] = set()
    stale: list[int] = []
    for pk, diagnosis_id, name, kind in DiagnosisName.objects.filter(language="en").values_list(
        "pk", "diagnosis_id", "name", "kind"
    ):
        entry = pack.entries.get(code_of.get(diagnosis_id))
        if kind == DiagnosisName.Kind.SYNONYM and entry is not None and name not in entry.synonyms:
            stale.append(pk)
        else:
            taken.add((diagnosis_id, name))
    DiagnosisName.objects.filter(pk__in=stale).delete()
    report.synonyms_removed = len(stale)
    wanted = [
        DiagnosisName(diagnosis=by_code[code], name=name, language="en")
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
