"""Scoring one candidate against one query, with the features that make up the score.

Names are compared token by token after normalisation (timeline.screening.names): each query
token pairs with the most similar unpaired candidate token (Jaro-Winkler from rapidfuzz; initials
and tokens with the same Metaphone code allowed), and the score is the paired similarity scaled
by how much of each name was paired, so a missing middle name costs little and a different
surname costs a lot. Joined or split tokens ("Chang Peng" / "Changpeng") are compared on the
names written without spaces. Weak aliases ("CZ", "SBF") count only as the whole query. An
identifier in common is decisive; a country in common supports, a different one contradicts.
"""

from dataclasses import dataclass, field

from rapidfuzz.distance import Indel, JaroWinkler

from timeline.screening.names import WEAK_ALIAS_LENGTH, name_forms, normalise_identifier, phonetic_key

PAIR_MIN = 0.86
INITIAL = 0.85
PHONETIC = 0.88
QUERY_COVERAGE = 1.5
RECORD_COVERAGE = 0.5
COMPACT_MIN = 0.92
WEAK_ALIAS = 0.9
IDENTIFIER = 1.0
COUNTRY_SUPPORT = 0.03
COUNTRY_CONTRADICTION = 0.15


@dataclass
class Candidate:
    """What scoring needs of an entity: its names (strong, weak), identifiers and country."""

    pk: int
    names: list
    weak_aliases: list
    identifiers: dict  # normalised value -> (scheme, value)
    country: str


@dataclass
class Scored:
    score: float
    features: dict = field(default_factory=dict)
    explanation: list = field(default_factory=list)


def candidate_from_entity(entity):
    """A Candidate from an Entity with its aliases and identifiers prefetched."""
    strong, weak = [entity.name], []
    for alias in entity.aliases.all():
        compact = "".join(token for form in name_forms(alias.alias)[:1] for token in form)
        (weak if len(compact) <= WEAK_ALIAS_LENGTH else strong).append(alias.alias)
    identifiers = {
        normalise_identifier(identifier.value): (identifier.scheme, identifier.value)
        for identifier in entity.identifiers.all()
    }
    return Candidate(entity.pk, strong, weak, identifiers, entity.country)


def token_similarity(a, b):
    if a == b:
        return 1.0
    if len(a) == 1 or len(b) == 1:
        return INITIAL if a[0] == b[0] else 0.0
    similarity = JaroWinkler.normalized_similarity(a, b)
    if similarity < PHONETIC and phonetic_key(a) and phonetic_key(a) == phonetic_key(b):
        similarity = PHONETIC  # romanisations of one sound: Gwon / Kwon, Mashinsky / Mashinskiy
    return similarity if similarity >= PAIR_MIN else 0.0


def _weight(token):
    return max(len(token), 3)


def aligned_similarity(query, candidate):
    """0..1: paired token similarity over the query, times the share of the candidate's name paired.

    A query token left unpaired (another surname) costs more than a candidate token left unpaired
    (a middle name the list leaves out): the exponents weigh the two shares.
    """
    pairs = sorted(
        ((token_similarity(q, c), i, j) for i, q in enumerate(query) for j, c in enumerate(candidate)),
        reverse=True,
    )
    used_q, used_c, weighted = set(), set(), 0.0
    for similarity, i, j in pairs:
        if similarity <= 0 or i in used_q or j in used_c:
            continue
        used_q.add(i)
        used_c.add(j)
        # A full name in the query meeting a bare initial in the record is weak evidence: "Ahmed" ~ "A.".
        initial_only = len(candidate[j]) == 1 and len(query[i]) > 1
        weighted += similarity * (1 if initial_only else _weight(query[i]))
    query_weight = sum(_weight(token) for token in query)
    candidate_weight = sum(_weight(token) for token in candidate)
    paired_candidate = sum(_weight(candidate[j]) for j in used_c)
    if not query_weight or not candidate_weight:
        return 0.0
    return (weighted / query_weight) ** QUERY_COVERAGE * (paired_candidate / candidate_weight) ** RECORD_COVERAGE


def compact_similarity(query, candidate):
    """Similarity of the names written without spaces (in order and sorted), when nearly the same."""
    best = max(
        Indel.normalized_similarity("".join(query), "".join(candidate)),
        Indel.normalized_similarity("".join(sorted(query)), "".join(sorted(candidate))),
    )
    return best if best >= COMPACT_MIN else 0.0


def name_score(query_names, candidate):
    """The best (score, query name, candidate name, how) over every pair of names and their readings."""
    best = (0.0, None, None, None)
    for query_name, query_forms in query_names:
        for candidate_name in candidate.names:
            for query_form in query_forms:
                for candidate_form in name_forms(candidate_name):
                    aligned = aligned_similarity(query_form, candidate_form)
                    compact = compact_similarity(query_form, candidate_form)
                    score, how = (aligned, "tokens") if aligned >= compact else (compact, "joined")
                    if query_form == candidate_form:
                        how = "exact"
                    if score > best[0]:
                        best = (score, query_name, candidate_name, how)
    return best


def weak_alias_score(query_names, candidate):
    for query_name, query_forms in query_names:
        compact = {"".join(form) for form in query_forms}
        for alias in candidate.weak_aliases:
            if compact & {"".join(form) for form in name_forms(alias)}:
                return WEAK_ALIAS, query_name, alias
    return 0.0, None, None


def score_candidate(query, candidate):
    """Scored(score 0..1, features {name: contribution}, explanation [what matched, how])."""
    scored = Scored(0.0)
    score, query_name, matched, how = name_score(query.names, candidate)
    if score:
        via = "name" if matched == candidate.names[0] else "alias"
        scored.features["name_similarity"] = round(score, 4)
        scored.explanation.append(
            {"feature": "name_similarity", "query": query_name, "matched": matched, "via": via, "how": how}
        )
    weak, weak_query, weak_alias = weak_alias_score(query.names, candidate)
    if weak > score:
        score = weak
        scored.features["weak_alias_match"] = weak
        scored.explanation.append(
            {"feature": "weak_alias_match", "query": weak_query, "matched": weak_alias, "via": "weak alias"}
        )
    for value in query.identifiers:
        if value in candidate.identifiers:
            scheme, stored = candidate.identifiers[value]
            score = IDENTIFIER
            scored.features["identifier_match"] = IDENTIFIER
            scored.explanation.append({"feature": "identifier_match", "query": value, "matched": stored, "via": scheme})
            break
    if query.countries and candidate.country:
        if candidate.country in query.countries:
            score += COUNTRY_SUPPORT
            scored.features["country_match"] = COUNTRY_SUPPORT
        else:
            score -= COUNTRY_CONTRADICTION
            scored.features["country_mismatch"] = -COUNTRY_CONTRADICTION
    if query.birth_dates:
        scored.explanation.append({"feature": "birth_date", "how": "no date of birth is recorded; not compared"})
    scored.score = round(min(max(score, 0.0), 1.0), 4)
    return scored
