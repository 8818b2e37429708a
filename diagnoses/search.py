"""Finding catalogue entries by what people type, and the associations that cover them."""

from __future__ import annotations

import re

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import Case, F, Func, IntegerField, Q, QuerySet, Value, When

from .models import Association, Diagnosis
from .text import fold

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

    Every word typed must appear; æ/ø/å match ae/oe/aa. Entries whose name starts with
    what was typed come first. On PostgreSQL, entries whose preferred name is closest to
    what was typed come next, and a misspelt name (a wrong letter, a missing word) also
    finds its entry, after the entries where every word appears.

    Only the first MAX_QUERY_LENGTH characters and MAX_QUERY_WORDS words are searched.
    """
    query = query[:MAX_QUERY_LENGTH]
    code = ORPHA_CODE.match(query)
    if code:
        return Diagnosis.objects.filter(orpha_code=int(code.group(1)), is_active=True)[:limit]
    # A word typed twice asks nothing more of an entry than once.
    words = list(dict.fromkeys(fold(query).split()))[:MAX_QUERY_WORDS]
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
    name_closeness = TrigramSimilarity(preferred_name, folded)
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
