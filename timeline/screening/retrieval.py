"""Candidate retrieval: which entities are worth scoring for a query, answered by index lookups.

Tokens, their phonetic codes and their one-letter deletions (every database) catch typos, token
order and transliteration variants; when they bring almost nothing, PostgreSQL also asks a pg_trgm
index of whole normalised names. Identifiers are looked up exactly. Scoring (timeline.screening.scoring)
never sees an entity retrieval did not bring.
"""

from django.db import connection
from django.db.models import Count

from timeline.screening.models import NameKey, NameKeyKind
from timeline.screening.names import deletion_keys, phonetic_key

# Candidates scored per query: the best by number of shared keys.
CANDIDATES = 20
# Fewer candidates than this from the keys, and PostgreSQL also asks the trigram index of whole names.
TRIGRAM_FALLBACK = 3
# pg_trgm similarity below this brings noise, not candidates.
TRIGRAM_MIN_SIMILARITY = 0.35


def candidate_ids(forms, identifiers, kinds, exclude_ids=(), limit=CANDIDATES):
    """Ids of entities of ``kinds`` sharing a key with the query's name ``forms`` (token tuples) or ``identifiers``."""
    base = NameKey.objects.filter(entity__kind__in=kinds).exclude(entity_id__in=exclude_ids).order_by()
    found = []
    if identifiers:
        found += base.filter(kind=NameKeyKind.IDENTIFIER, key__in=identifiers).values_list("entity_id", flat=True)
    tokens = sorted({token for form in forms for token in form})
    codes = sorted({code for token in tokens if (code := phonetic_key(token))})
    deletions = sorted({key for token in tokens for key in deletion_keys(token) | {token}})
    if tokens or codes:
        by_token = (
            base.filter(kind=NameKeyKind.TOKEN, key__in=tokens)
            | base.filter(kind=NameKeyKind.PHONETIC, key__in=codes)
            | base.filter(kind=NameKeyKind.DELETION, key__in=deletions)
        )
        ranked = by_token.values("entity_id").annotate(hits=Count("id")).order_by("-hits", "entity_id")[:limit]
        found += [row["entity_id"] for row in ranked]
    if connection.vendor == "postgresql" and forms and len(set(found)) < TRIGRAM_FALLBACK:
        found += _trigram_ids(base, forms, limit)
    return list(dict.fromkeys(found))


def _trigram_ids(base, forms, limit):
    from django.contrib.postgres.search import TrigramSimilarity

    text = " ".join(forms[0])
    return list(
        base.filter(kind=NameKeyKind.NAME, key__trigram_similar=text)
        .annotate(similarity=TrigramSimilarity("key", text))
        .filter(similarity__gte=TRIGRAM_MIN_SIMILARITY)
        .order_by("-similarity")
        .values_list("entity_id", flat=True)[:limit]
    )
