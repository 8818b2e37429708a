"""Finding catalogue entries by what people type, and the associations that cover them."""

from __future__ import annotations

import re

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import Case, F, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.functions import Greatest

from .models import Association, Diagnosis, DiagnosisName
from .text import fold, genitive_stem, is_filler, match_key

ORPHA_CODE = re.compile(r"^\s*(?:orpha\s*:?\s*)?(\d{1,7})\s*$", re.IGNORECASE)


# How close a misspelling must be to a name, as pg_trgm's word_similarity: the share of the
# typed text's trigrams found in one stretch of the search text. 0.7 lets one wrong letter
# in a two-word name through, and keeps out entries that share only a common word such as
# "syndrome" (which also keeps the trigram index selective, hence fast).
TYPO_THRESHOLD = 0.7
MIN_TYPO_LENGTH = 4

# The longest catalogue name is 145 characters and 20 words (Orphanet 2025): a longer query
# is no name anyone means. Each word costs a scan of the catalogue, so a query is cut to
# these bounds before anything else is done with it (one of 100 KB once held a worker for
# half a minute).
MAX_QUERY_LENGTH = 255
MAX_QUERY_WORDS = 24


def is_searchable(query: str) -> bool:
    """Whether the query is within the bounds that the search reads whole."""
    return len(query) <= MAX_QUERY_LENGTH


def search_diagnoses(query: str, limit: int = 10) -> QuerySet[Diagnosis]:
    """Catalogue entries matching a name, synonym, ORPHA code or ICD-10 code.

    The query and the catalogue's names are compared as matching keys (text.match_key), so
    that a Danish, Swedish, Norwegian or Finnish way of writing a name finds the English
    one: "Huntingtons sygdom" finds Huntington disease. Every word typed must appear. An
    abbreviation or a whole name typed exactly comes first, then entries whose name starts
    with what was typed. On PostgreSQL, entries whose preferred name is closest to what was
    typed come next, and a misspelt name (a wrong letter, a missing word) also finds its
    entry, after the entries where every word appears.

    Only the first MAX_QUERY_LENGTH characters and MAX_QUERY_WORDS words are searched.
    """
    query = query[:MAX_QUERY_LENGTH]
    code = ORPHA_CODE.match(query)
    if code:
        return Diagnosis.objects.filter(orpha_code=int(code.group(1)), is_active=True)[:limit]
    # A word typed twice asks nothing more of an entry than once.
    words = list(dict.fromkeys(match_key(query).split()))[:MAX_QUERY_WORDS]
    if not words:
        return Diagnosis.objects.none()
    key = " ".join(words)
    # As typed, folded: misspellings are also looked for in the names' own words (below).
    folded = " ".join(list(dict.fromkeys(fold(query).split()))[:MAX_QUERY_WORDS])
    # A Finnish genitive ("Fabryn") may be the stem with -n, or a name that ends in -n.
    stems = {word: genitive_stem(word) for word in words}
    every_word = Q()
    for word, stem in stems.items():
        if is_filler(word):
            every_word &= Q(search_text__contains=word)
        elif stem:
            every_word &= Q(match_text__contains=word) | Q(match_text__contains=stem)
        else:
            every_word &= Q(match_text__contains=word)
    keys = list(dict.fromkeys([key, " ".join(stems[w] or w for w in words)]))
    rank = Case(
        When(_any(_is_preferred_name(k) for k in keys), then=Value(0)),
        When(_any(_is_other_name(k) for k in keys), then=Value(1)),
        When(Q(match_text__startswith=key), then=Value(2)),
        When(Q(match_text__contains=" " + key), then=Value(3)),
        default=Value(4),
        output_field=IntegerField(),
    )
    active = Diagnosis.objects.filter(is_active=True)
    if connection.vendor != "postgresql":
        # SQLite has no trigrams: the plain search, where every word must appear.
        return active.filter(every_word).annotate(rank=rank).order_by("rank", "name")[:limit]
    return _search_with_typos(active, key, folded, every_word, rank, limit)


def _any(conditions) -> Q:
    found = Q()
    for condition in conditions:
        found |= condition
    return found


def _is_preferred_name(key: str) -> Q:
    # Names are joined by " | " in match_text, the preferred name first.
    return Q(match_text=key) | Q(match_text__startswith=key + " | ")


def _is_other_name(key: str) -> Q:
    return Q(match_text__contains=" | " + key + " | ") | Q(match_text__endswith=" | " + key)


def _search_with_typos(
    active: QuerySet[Diagnosis], key: str, folded: str, every_word: Q, rank: Case, limit: int
) -> QuerySet[Diagnosis]:
    preferred_name = Func(F("match_text"), Value(" | "), Value(1), function="split_part")
    name_closeness = TrigramSimilarity(preferred_name, key)
    found = list(
        active.filter(every_word)
        .annotate(rank=rank, name_closeness=name_closeness)
        .order_by("rank", "-name_closeness", "name")
        .values_list("pk", "rank")[:limit]
    )
    ids = [pk for pk, _ in found]
    # Misspellings come after the entries where every word appears. A query of a few
    # letters is too short to tell a typo from another word, and one that is a whole name
    # or abbreviation (rank 0 or 1) was not misspelt.
    exact = bool(found) and found[0][1] <= 1
    if len(ids) < limit and len(key) >= MIN_TYPO_LENGTH and not exact:
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
            # that merely contains "marfan". Keys first; the names as written where the keys
            # find nothing ("kabuki syndrme": a misspelt word for syndrome is kept in the key)
            # or where the key lost a word ("alstrem" for "Alstrem syndrome"), as one wrong
            # letter weighs more in what is left.
            by_key = (
                Q(match_text__trigram_word_similar=key),
                TrigramWordSimilarity(key, "match_text"),
            )
            as_written = (
                Q(search_text__trigram_word_similar=folded),
                TrigramWordSimilarity(folded, "search_text"),
            )
            tries: list[tuple[Q, Func]]
            if len(key.split()) < len(folded.split()):
                tries = [(by_key[0] | as_written[0], Greatest(by_key[1], as_written[1]))]
            else:
                tries = [by_key, as_written]
            for close, closeness in tries:
                more = list(
                    active.filter(close)
                    .exclude(pk__in=ids)
                    .annotate(closeness=closeness + name_closeness)
                    .order_by("-closeness", "name")
                    .values_list("pk", flat=True)[: limit - len(ids)]
                )
                ids += more
                if more:
                    break
    order = Case(*[When(pk=pk, then=Value(i)) for i, pk in enumerate(ids)], default=Value(0))
    return Diagnosis.objects.filter(pk__in=ids).order_by(order)


def local_names(diagnoses, language: str) -> dict[int, str]:
    """The name of each entry in `language` where staff gave one (its preferred name in that
    language first), by entry id: what search results show beside Orphanet's English name."""
    names: dict[int, str] = {}
    found = (
        DiagnosisName.objects.filter(diagnosis__in=[d.pk for d in diagnoses], language=language)
        .exclude(source=DiagnosisName.Source.ORPHANET)
        # "preferred" sorts before "synonym"; then the first one entered.
        .order_by("kind", "pk")
        .values_list("diagnosis_id", "name")
    )
    for diagnosis_id, name in found:
        names.setdefault(diagnosis_id, name)
    return names


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
