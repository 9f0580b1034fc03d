"""Matching queries by example against timeline's entities: retrieve candidates, score them, attach the record.

The logic behind POST /api/v1/match/, the reconciliation service and list screening. Each
query's candidates come from the name index (retrieval), are loaded once for the whole batch,
scored with explained features (scoring), and the results get their enforcement summary in a
fixed number of queries (summary). Earlier decisions on the same name are attached when the
caller may see them.
"""

from dataclasses import dataclass, field

from timeline.models import Entity, EntityKind
from timeline.screening.decisions import decisions_for
from timeline.screening.models import Verdict
from timeline.screening.names import name_forms, normalise_identifier
from timeline.screening.retrieval import candidate_ids
from timeline.screening.scoring import candidate_from_entity, score_candidate
from timeline.screening.summary import enforcement_summaries

SCHEMA_KINDS = {
    "Person": (EntityKind.PERSON,),
    "Company": (EntityKind.COMPANY,),
    "Organization": (EntityKind.COMPANY, EntityKind.ORGANIZATION),
    "LegalEntity": (EntityKind.PERSON, EntityKind.COMPANY, EntityKind.ORGANIZATION),
}
KIND_SCHEMA = {EntityKind.PERSON: "Person", EntityKind.COMPANY: "Company", EntityKind.ORGANIZATION: "Organization"}
DEFAULT_THRESHOLD = 0.75
DEFAULT_CUTOFF = 0.5
DEFAULT_LIMIT = 5


@dataclass
class MatchQuery:
    """One query by example: names (with their readings), identifiers, countries, birth dates."""

    schema: str
    names: list  # [(name as given, its forms)]
    identifiers: list = field(default_factory=list)
    countries: set = field(default_factory=set)
    birth_dates: list = field(default_factory=list)
    properties: dict = field(default_factory=dict)

    @classmethod
    def from_properties(cls, schema, properties):
        names = [(name, name_forms(name)) for name in properties.get("name", []) + properties.get("alias", [])]
        identifiers = [
            compact
            for prop in ("leiCode", "registrationNumber", "idNumber")
            for value in properties.get(prop, [])
            if (compact := normalise_identifier(value))
        ]
        countries = {country.upper() for country in properties.get("country", [])}
        return cls(schema, names, identifiers, countries, properties.get("birthDate", []), properties)

    @property
    def forms(self):
        return [form for _name, forms in self.names for form in forms]

    @property
    def key_name(self):
        return self.names[0][0] if self.names else ""


@dataclass
class MatchResult:
    entity: Entity
    score: float
    match: bool
    features: dict
    explanation: list
    enforcement: dict = None
    decision: object = None


def _load_candidates(ids):
    return {
        entity.pk: entity for entity in Entity.objects.filter(pk__in=ids).prefetch_related("aliases", "identifiers")
    }


def match_queries(
    queries,
    threshold=DEFAULT_THRESHOLD,
    cutoff=DEFAULT_CUTOFF,
    limit=DEFAULT_LIMIT,
    exclude_ids=(),
    decisions_user=None,
    include_rejected=False,
):
    """{query id: [MatchResult best first]} for {query id: MatchQuery}.

    ``decisions_user`` (a user allowed to see screening decisions, or None) attaches the earlier
    decision on each (name, candidate); candidates decided false positives are then left out unless
    ``include_rejected``.
    """
    retrieved = {
        key: candidate_ids(query.forms, query.identifiers, SCHEMA_KINDS[query.schema], exclude_ids)
        for key, query in queries.items()
    }
    entities = _load_candidates({pk for ids in retrieved.values() for pk in ids})
    decisions = {}
    if decisions_user is not None:
        decisions = decisions_for(decisions_user, [query.key_name for query in queries.values()], entities)
    answers = {}
    for key, query in queries.items():
        results = []
        for pk in retrieved[key]:
            entity = entities[pk]
            scored = score_candidate(query, candidate_from_entity(entity))
            if scored.score < cutoff:
                continue
            decision = decisions.get((query.key_name, pk))
            if decision and decision.verdict == Verdict.FALSE_POSITIVE and not include_rejected:
                continue
            results.append(
                MatchResult(
                    entity,
                    scored.score,
                    scored.score >= threshold,
                    scored.features,
                    scored.explanation,
                    decision=decision,
                )
            )
        results.sort(key=lambda result: (-result.score, result.entity.name, result.entity.pk))
        answers[key] = results[:limit]
    shown = {result.entity.pk: result.entity for results in answers.values() for result in results}
    summaries = enforcement_summaries(list(shown.values()))
    for results in answers.values():
        for result in results:
            result.enforcement = summaries[result.entity.pk]
    return answers
