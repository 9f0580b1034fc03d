"""A small world of records and a valid write body for every API resource, shared by the
permission-matrix and bad-input tests.

Every body fills every writable field (nested items included), so a test that corrupts "every
text field" or "every date" really reaches all of them. Writes to existing records send
``If-Match`` with the ETag a GET returned, when the API gives one.
"""

from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.urls import reverse

from tests import factories
from tests.tables import data_models
from timeline import models

WRITE_METHODS = ("post", "put", "patch")


@dataclass(frozen=True)
class Resource:
    """An API resource: its URL name, model, the record writes target and how to build a valid body."""

    name: str
    model: type
    target: str  # attribute of World naming the record PUT, PATCH and DELETE address

    def list_url(self):
        return reverse(f"api:{self.name}-list")

    def detail_url(self, world):
        return reverse(f"api:{self.name}-detail", args=[getattr(world, self.target)])

    def body(self, world, method):
        return BODIES[self.name](world, existing=method != "post")


RESOURCES = [
    Resource("entity", models.Entity, "entity"),
    Resource("case", models.Case, "case"),
    Resource("action", models.EnforcementAction, "action"),
    Resource("settlement", models.Settlement, "settlement"),
    Resource("sentence", models.Sentence, "sentence"),
    Resource("pardon-request", models.PardonRequest, "pardon_request"),
    Resource("source", models.Source, "source"),
    Resource("event", models.Event, "event"),
]


@dataclass
class World:
    """Identifiers of the records the bodies refer to; each write target has nothing depending on it."""

    entity: str
    case: str
    action: str
    settlement: str
    sentence: int
    pardon_request: str
    source: str
    event: str
    cited_source: str
    main_action: str
    authority: str
    court: str
    judge: str
    company: str
    person: str
    other_person: str
    statute: str
    other_component: str
    other_sentence: int


def build_world():
    """One record of every kind, built with the factories; the write targets are leaves."""
    cited = factories.SourceFactory(key="w-cited")
    authority = factories.AuthorityFactory(slug="w-doj", name="Department of Example Justice")
    court = factories.CourtFactory(slug="w-court", name="District Court of Example")
    judge = factories.PersonFactory(slug="w-judge", name="Judge Example")
    company = factories.EntityFactory(slug="w-company", name="Example Exchange Ltd.")
    person = factories.PersonFactory(slug="w-person", name="Pat Example")
    other_person = factories.PersonFactory(slug="w-other-person", name="Sam Example")
    statute = factories.StatuteFactory(citation="31 U.S.C. § 5318(h)")
    case = factories.CaseFactory(slug="w-case", title="Example Exchange matter", sources=[cited])
    action = factories.EnforcementActionFactory(
        slug="w-action",
        case=case,
        authority=authority,
        court=court,
        docket_number="1:23-cr-00001",
        sources=[cited],
    )
    factories.ActionPartyFactory(action=action, entity=company)
    factories.ChargeFactory(action=action, number=1, sources=[cited])
    # A settlement other than the target, whose component credits in the bodies point at.
    other = factories.SettlementFactory(slug="w-other-settlement", action=action, sources=[cited])
    other_component = factories.SettlementComponentFactory(
        key="w-other-component", settlement=other, payer=company, sources=[cited]
    )
    settlement = factories.SettlementFactory(slug="w-settlement", action=action, sources=[cited])
    component = factories.SettlementComponentFactory(
        key="w-component", settlement=settlement, payer=company, sources=[cited]
    )
    factories.CreditFactory(key="w-credit", component=component, sources=[cited])
    factories.MonitorFactory(key="w-monitor", settlement=settlement, sources=[cited])
    factories.RestrictionFactory(key="w-restriction", settlement=settlement, subject=person, sources=[cited])
    other_sentence = factories.SentenceFactory(action=action, defendant=judge, sources=[cited])
    sentence = factories.SentenceFactory(action=action, defendant=person, sources=[cited])
    pardon_request = factories.PardonRequestFactory(slug="w-pardon", person=person, sources=[cited])
    factories.PardonStatusChangeFactory(key="w-pardon-step", pardon_request=pardon_request, sources=[cited])
    event = factories.EventFactory(key="w-event", case=case, sources=[cited])
    entity = factories.EntityFactory(slug="w-entity", name="Leaf Holdings Ltd.")
    source = factories.SourceFactory(key="w-source")
    return World(
        entity=entity.slug,
        case=factories.CaseFactory(slug="w-leaf-case", sources=[cited]).slug,
        action=factories.EnforcementActionFactory(
            slug="w-leaf-action",
            case=case,
            authority=authority,
            court=court,
            docket_number="1:23-cr-00099",
            sources=[cited],
        ).slug,
        settlement=settlement.slug,
        sentence=sentence.pk,
        pardon_request=pardon_request.slug,
        source=source.key,
        event=event.key,
        cited_source=cited.key,
        main_action=action.slug,
        authority=authority.slug,
        court=court.slug,
        judge=judge.slug,
        company=company.slug,
        person=person.slug,
        other_person=other_person.slug,
        statute=statute.citation,
        other_component=other_component.key,
        other_sentence=other_sentence.pk,
    )


@contextmanager
def module_transaction(django_db_blocker):
    """Build data once for a module inside a transaction rolled back when the module ends."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
    try:
        yield
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def entity_body(world, existing):
    return {
        "slug": world.entity if existing else "w-new-entity",
        "name": "Example Trading Ltd.",
        "kind": "company",
        "country": "KY",
        "parent": world.company,
        "description": "A trading firm.\nIncorporated in the Cayman Islands.",
        "sources": [world.cited_source],
        "aliases": ["Example Trading"],
        "identifiers": [{"scheme": "lei", "value": "5493001KJTIIGC8Y1R12"}],
    }


def case_body(world, existing):
    return {
        "slug": world.case if existing else "w-new-case",
        "title": "Example Trading matter",
        "summary": "Charges, a settlement and a sentence.",
        "headline_text": "over $1 million",
        "headline_amount": "1000000.00",
        "headline_currency": "USD",
        "headline_sources": [world.cited_source],
        "sources": [world.cited_source],
    }


def action_body(world, existing):
    return {
        "slug": world.action if existing else "w-new-action",
        "case": world.case,
        "authority": world.authority,
        "action_type": "criminal",
        "caption": "United States v. Example Trading Ltd.",
        "court": world.court,
        "docket_number": "1:24-cr-00042",
        "judge": world.judge,
        "status": "plea",
        "filed_on": "2023-03-27",
        "filed_precision": "day",
        "resolved_on": "2023-11-21",
        "resolved_precision": "day",
        "summary": "Pleaded guilty to one count.",
        "sources": [world.cited_source],
        "parties": [{"entity": world.company, "role": "defendant", "note": "The operating company."}],
        "charges": [
            {
                "number": 1,
                "defendant": world.company,
                "description": "Failure to maintain an effective AML program",
                "counts": 1,
                "statutes": [{"statute": world.statute, "confirmed": True}],
                "disposition": "pleaded_guilty",
                "disposition_on": "2023-11-21",
                "disposition_precision": "day",
                "note": "Count one of the information.",
                "sources": [world.cited_source],
            }
        ],
    }


def settlement_body(world, existing):
    return {
        "slug": world.settlement if existing else "w-new-settlement",
        "action": world.main_action,
        "kind": "consent_order",
        "title": "Consent order",
        "agreed_on": "2023-11-21",
        "agreed_precision": "day",
        "approved_on": "2023-12-01",
        "approved_precision": "day",
        "stated_total": "1000000.00",
        "stated_total_currency": "USD",
        "summary": "A civil money penalty, partly suspended.",
        "sources": [world.cited_source],
        "components": [
            {
                "key": "w-new-component",
                "payer": world.company,
                "kind": "civil_money_penalty",
                "amount": "1000000.00",
                "currency": "USD",
                "is_approximate": False,
                "suspended_amount": "100000.00",
                "description": "Civil money penalty",
                "terms": "Payable within 30 days.",
                "note": "As stated in the order.",
                "sources": [world.cited_source],
                "credits": [
                    {
                        "key": "w-new-credit",
                        "kind": "credited",
                        "quantum": "stated",
                        "amount": "50000.00",
                        "currency": "USD",
                        "is_approximate": False,
                        "evidence": "reported",
                        "against": [world.other_component],
                        "note": "Credited against the criminal fine.",
                        "sources": [world.cited_source],
                    }
                ],
                "parts": [
                    {
                        "key": "w-new-part",
                        "payer": world.company,
                        "kind": "civil_money_penalty",
                        "amount": "400000.00",
                        "currency": "USD",
                        "is_approximate": False,
                        "suspended_amount": "0.00",
                        "description": "First instalment",
                        "terms": "Immediately.",
                        "note": "",
                        "credits": [
                            {
                                "key": "w-new-part-credit",
                                "kind": "deemed_satisfied",
                                "quantum": "up_to",
                                "amount": "10000.00",
                                "currency": "USD",
                                "is_approximate": True,
                                "evidence": "inferred",
                                "against": [world.other_component],
                                "note": "",
                                "sources": [world.cited_source],
                            }
                        ],
                        "sources": [world.cited_source],
                    }
                ],
            }
        ],
        "monitors": [
            {
                "key": "w-new-monitor",
                "monitor": world.other_person,
                "term_months": 36,
                "start_date": "2024-01-01",
                "start_precision": "day",
                "end_date": "2026-12-31",
                "end_precision": "day",
                "scope": "Compliance programme.",
                "note": "",
                "sources": [world.cited_source],
            }
        ],
        "restrictions": [
            {
                "key": "w-new-restriction",
                "subject": world.person,
                "kind": "bar",
                "scope": "Serving as an officer of a money transmitter.",
                "is_permanent": False,
                "duration_months": 24,
                "start_date": "2024-01-01",
                "start_precision": "day",
                "end_date": "2025-12-31",
                "end_precision": "day",
                "note": "",
                "sources": [world.cited_source],
            }
        ],
    }


def sentence_body(world, existing):
    return {
        "action": world.main_action,
        "defendant": world.person if existing else world.other_person,
        "sentenced_on": "2024-04-30",
        "judge": world.judge,
        "custody_months": 48,
        "is_life_sentence": False,
        "probation_months": 0,
        "supervised_release_months": 36,
        "fine_amount": "250000.00",
        "fine_currency": "USD",
        "prosecution_sought_months": 60,
        "prosecution_sought": "Five years",
        "defence_sought": "Probation",
        "guidelines": "46 to 57 months",
        "facility": "FCI Example",
        "report_date": "2024-06-03",
        "report_precision": "day",
        "scheduled_release_on": "2027-06-01",
        "released_on": "2027-06-01",
        "note": "Reported on time.",
        "sources": [world.cited_source],
    }


def pardon_request_body(world, existing):
    return {
        "slug": world.pardon_request if existing else "w-new-pardon",
        "person": world.person,
        "kind": "pardon",
        "status": "requested",
        "granted_by": None,
        "actions": [world.main_action],
        "sentences": [world.sentence],
        "summary": "A petition for a pardon.",
        "sources": [world.cited_source],
        "history": [
            {
                "key": "w-new-step",
                "status": "requested",
                "date": "2025-01-06",
                "date_precision": "day",
                "claim_status": "fact",
                "claimed_by": None,
                "responds_to": None,
                "description": "A petition was filed.",
                "sources": [world.cited_source],
            },
            {
                "key": "w-new-report",
                "status": "granted",
                "date": "2025-02-01",
                "date_precision": "day",
                "claim_status": "reported",
                "claimed_by": world.company,
                "responds_to": "w-new-step",
                "description": "A newspaper reported a grant.",
                "sources": [world.cited_source],
            },
        ],
    }


def source_body(world, existing):
    return {
        "key": world.source if existing else "w-new-source",
        "url": "https://example.org/releases/42",
        "title": "Example Trading pleads guilty",
        "publisher": "Department of Example Justice",
        "published_on": "2023-11-21",
        "published_precision": "day",
        "kind": "agency_release",
        "original": None,
        "note": "The press release.",
    }


def event_body(world, existing):
    return {
        "key": world.event if existing else "w-new-event",
        "date": "2025-03-13",
        "date_precision": "day",
        "event_type": "press_report",
        "title": "A newspaper reports talks",
        "description": "Talks about a settlement were reported.",
        "case": world.case,
        "entities": [world.company],
        "claim_status": "reported",
        "claimed_by": world.company,
        "responds_to": None,
        "sources": [world.cited_source],
    }


BODIES = {
    "entity": entity_body,
    "case": case_body,
    "action": action_body,
    "settlement": settlement_body,
    "sentence": sentence_body,
    "pardon-request": pardon_request_body,
    "source": source_body,
    "event": event_body,
}


def if_match(client, detail_url):
    """Headers naming the version just read: the ETag of a GET of the record, when the API gives one."""
    etag = client.get(detail_url).headers.get("ETag")
    return {"HTTP_IF_MATCH": etag} if etag else {}


def send(client, method, url, body=None, *, raw=None, content_type="application/json", **headers):
    """A write as an API client makes it: JSON body, If-Match for writes to an existing record.

    Without an ``HTTP_IF_MATCH`` header given, a PUT, PATCH or DELETE first GETs the record for its ETag.
    """
    if method in ("put", "patch", "delete") and "HTTP_IF_MATCH" not in headers:
        headers = {**if_match(client, url), **headers}
    if raw is not None:
        return client.generic(method.upper(), url, raw, content_type=content_type, **headers)
    if method == "delete":
        return client.delete(url, **headers)
    return getattr(client, method)(url, body, format="json", **headers)


def row_counts():
    """Rows in every timeline table (through tables and audit trail included, the data version not), in one query."""
    tables = sorted({model._meta.db_table for model in data_models(include_auto_created=True)})
    quote = connection.ops.quote_name
    sql = "SELECT " + ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return dict(zip(tables, cursor.fetchone(), strict=True))
