"""A small editor dataset touching every timeline model, and helpers to compare whole databases.

The records are built in Python and written to tmp_path by the tests, so each test can alter a
copy (break a field, drop a source) and load it.
"""

import copy
import json

from tests.tables import data_models
from timeline.models import Entity, Event, PardonStatusChange
from timeline.services.loader.schema import bookkeeping_fields, editor_models, many_to_many


def rec(model, **fields):
    return {"model": f"timeline.{model}", "fields": fields}


SAMPLE = [
    rec(
        "source",
        key="s-release",
        url="https://example.org/release",
        title="Acme pleads guilty",
        publisher="U.S. Department of Justice",
        published_on="2023-11-21",
        kind="agency_release",
    ),
    rec(
        "source",
        key="s-news",
        url="https://example.org/news",
        title="Acme chief to step down",
        publisher="Example Times",
        published_on="2023-11-01",
        published_precision="month",
        kind="news",
    ),
    rec(
        "source",
        key="s-court",
        url="https://example.org/judgment",
        title="Judgment in a criminal case",
        publisher="U.S. District Court",
        kind="court_record",
    ),
    rec("entity", slug="doj", name="U.S. Department of Justice", kind="authority", country="US"),
    rec(
        "entity",
        slug="usao-wdwa",
        name="U.S. Attorney's Office, W.D. Wash.",
        kind="authority",
        country="US",
        parent=["doj"],
    ),
    rec("entity", slug="court-wdwa", name="U.S. District Court, W.D. Wash.", kind="court", country="US"),
    rec("entity", slug="judge-jones", name="Richard Jones", kind="person", country="US"),
    rec("entity", slug="acme", name="Acme Exchange Ltd.", kind="company", country="KY", sources=[["s-news"]]),
    rec("entity", slug="jane-doe", name="Jane Doe", kind="person", country="CA"),
    rec("entity", slug="example-times", name="Example Times", kind="company", country="US"),
    rec("entity", slug="president", name="The President", kind="person", country="US"),
    rec("entity", slug="monitor-firm", name="Monitor Firm LLP", kind="company", country="GB"),
    rec("entityalias", entity=["acme"], alias="Acme"),
    rec("entityidentifier", entity=["acme"], scheme="wikidata", value="Q123"),
    rec(
        "entityrelationship",
        subject=["jane-doe"],
        kind="ceo_of",
        object=["acme"],
        title="Chief executive",
        start_date="2017-07-01",
        start_precision="month",
        end_date="2023-11-21",
        sources=[["s-news"]],
    ),
    rec("statute", citation="31 U.S.C. § 5318(h)", title="Bank Secrecy Act: AML programs"),
    rec(
        "case",
        slug="acme-case",
        title="Acme Exchange and Jane Doe",
        headline_text="over $4 million",
        headline_amount="4000000.00",
        headline_currency="USD",
        headline_sources=[["s-release"]],
        sources=[["s-release"]],
    ),
    rec(
        "enforcementaction",
        slug="doj-v-acme",
        case=["acme-case"],
        authority=["usao-wdwa"],
        action_type="criminal",
        caption="United States v. Acme Exchange Ltd.",
        court=["court-wdwa"],
        docket_number="2:23-cr-00001",
        judge=["judge-jones"],
        status="plea",
        filed_on="2023-03-27",
        resolved_on="2023-11-21",
        sources=[["s-release"]],
    ),
    rec(
        "enforcementaction",
        slug="doj-v-doe",
        case=["acme-case"],
        authority=["doj"],
        action_type="criminal",
        caption="United States v. Jane Doe",
        court=["court-wdwa"],
        docket_number="2:23-cr-00002",
        status="plea",
        filed_on="2023-11-14",
        resolved_on="2023-11-21",
        sources=[["s-release"], ["s-court"]],
    ),
    rec("actionparty", action=["doj-v-acme"], entity=["acme"], role="defendant"),
    rec("actionparty", action=["doj-v-doe"], entity=["jane-doe"], role="defendant"),
    rec(
        "charge",
        action=["doj-v-acme"],
        number=1,
        description="Failure to maintain an AML program",
        disposition="pleaded_guilty",
        disposition_on="2023-11-21",
        sources=[["s-release"]],
    ),
    rec("chargestatute", charge=["doj-v-acme", 1], statute=["31 U.S.C. § 5318(h)"], confirmed=False),
    rec(
        "settlement",
        slug="acme-plea",
        action=["doj-v-acme"],
        kind="plea_agreement",
        title="Acme plea agreement",
        agreed_on="2023-11-21",
        stated_total="4000000.00",
        stated_total_currency="USD",
        sources=[["s-release"]],
    ),
    rec(
        "settlementcomponent",
        key="acme-fine",
        settlement=["acme-plea"],
        payer=["acme"],
        kind="criminal_fine",
        amount="1500000.00",
        currency="USD",
        sources=[["s-release"]],
    ),
    rec(
        "settlementcomponent",
        key="acme-forfeiture",
        settlement=["acme-plea"],
        payer=["acme"],
        kind="criminal_forfeiture",
        amount="2500000.00",
        currency="USD",
        sources=[["s-release"]],
    ),
    rec(
        "settlementcomponent",
        key="acme-forfeiture-a",
        settlement=["acme-plea"],
        payer=["acme"],
        kind="criminal_forfeiture",
        amount="1000000.00",
        currency="USD",
        part_of=["acme-forfeiture"],
        sources=[["s-release"]],
    ),
    rec(
        "settlementcomponent",
        key="acme-forfeiture-b",
        settlement=["acme-plea"],
        payer=["acme"],
        kind="criminal_forfeiture",
        amount="1500000.00",
        currency="USD",
        part_of=["acme-forfeiture"],
        is_approximate=True,
        sources=[["s-release"]],
    ),
    rec(
        "credit",
        key="acme-fine-credit",
        component=["acme-fine"],
        amount="500000.00",
        currency="USD",
        against=[["acme-forfeiture"]],
        sources=[["s-release"]],
    ),
    rec(
        "monitor",
        key="acme-monitor",
        settlement=["acme-plea"],
        monitor=["monitor-firm"],
        term_months=36,
        sources=[["s-release"]],
    ),
    rec(
        "restriction",
        key="doe-bar",
        settlement=["acme-plea"],
        subject=["jane-doe"],
        kind="bar",
        scope="Any involvement in operating the business",
        is_permanent=True,
        sources=[["s-release"]],
    ),
    rec(
        "sentence",
        action=["doj-v-doe"],
        defendant=["jane-doe"],
        sentenced_on="2024-04-30",
        judge=["judge-jones"],
        custody_months=4,
        fine_amount="50000.00",
        fine_currency="USD",
        report_date="2024-06-01",
        report_precision="month",
        released_on="2024-09-27",
        sources=[["s-court"]],
    ),
    rec(
        "pardonrequest",
        slug="doe-pardon",
        person=["jane-doe"],
        kind="pardon",
        status="granted",
        granted_by=["president"],
        actions=[["doj-v-doe"]],
        sentences=[["doj-v-doe", "jane-doe"]],
        sources=[["s-news"]],
    ),
    rec(
        "pardonstatuschange",
        key="doe-pardon-reported",
        pardon_request=["doe-pardon"],
        status="reported",
        date="2025-03-13",
        claim_status="reported",
        claimed_by=["example-times"],
        description="A newspaper reports a pardon push.",
        sources=[["s-news"]],
    ),
    rec(
        "pardonstatuschange",
        key="doe-pardon-denied",
        pardon_request=["doe-pardon"],
        status="reported",
        date="2025-03-13",
        claim_status="denied",
        claimed_by=["jane-doe"],
        responds_to=["doe-pardon-reported"],
        description="Doe denies the report.",
        sources=[["s-news"]],
    ),
    rec(
        "pardonstatuschange",
        key="doe-pardon-granted",
        pardon_request=["doe-pardon"],
        status="granted",
        date="2025-05-28",
        description="A full pardon is granted.",
        sources=[["s-news"]],
    ),
    rec(
        "event",
        key="acme-press-report",
        date="2023-11-01",
        date_precision="month",
        event_type="press_report",
        title="Report: Acme chief to step down",
        case=["acme-case"],
        entities=[["acme"], ["jane-doe"]],
        claim_status="reported",
        claimed_by=["example-times"],
        sources=[["s-news"]],
    ),
    rec(
        "event",
        key="acme-denial",
        date="2023-11-02",
        event_type="statement",
        title="Acme denies the report",
        case=["acme-case"],
        entities=[["acme"]],
        claim_status="denied",
        claimed_by=["acme"],
        responds_to=["acme-press-report"],
        sources=[["s-news"]],
    ),
]


def sample_records():
    """A fresh copy, safe to alter."""
    return copy.deepcopy(SAMPLE)


def find(records, model, **match):
    """The record of ``model`` whose fields include ``match``."""
    for record in records:
        if record["model"] == f"timeline.{model}" and all(record["fields"].get(k) == v for k, v in match.items()):
            return record
    raise LookupError(f"no {model} record with {match}")


def write_records(folder, name, records):
    path = folder / name
    path.write_text(json.dumps(records, indent=2, ensure_ascii=False), encoding="utf-8")
    return path


def _natural_key(obj):
    return json.dumps(list(obj.natural_key()), ensure_ascii=False, default=str)


def canonical_dump():
    """Every timeline record by model and natural key, field by field, references and many-to-many
    relations by natural key; database ids and automatic timestamps left out."""
    dump = {}
    for model in editor_models():
        stamps = {field.name for field in bookkeeping_fields(model)}
        rows = {}
        for obj in model._default_manager.all():
            row = {}
            for field in model._meta.concrete_fields:
                if field.primary_key or field.name in stamps:
                    continue
                if field.many_to_one:
                    target = getattr(obj, field.name)
                    row[field.name] = _natural_key(target) if target is not None else None
                else:
                    row[field.name] = field.value_to_string(obj)
            for name in many_to_many(model):
                row[name] = sorted(_natural_key(target) for target in getattr(obj, name).all())
            rows[_natural_key(obj)] = row
        dump[model._meta.label_lower] = rows
    return dump


def row_counts():
    """Rows of every timeline table, the audit trail's included (the data version, one row always, left out)."""
    return {model._meta.label_lower: model._default_manager.count() for model in data_models()}


def updated_stamps():
    stamps = {}
    for model in editor_models():
        if any(field.name == "updated_at" for field in bookkeeping_fields(model)):
            for obj in model._default_manager.all():
                stamps[(model._meta.label_lower, _natural_key(obj))] = obj.updated_at
    return stamps


def empty_timeline():
    """Delete every timeline record, so a test can load into an empty database."""
    Entity.objects.update(parent=None)
    Event.objects.update(responds_to=None)
    PardonStatusChange.objects.update(responds_to=None)
    for model in editor_models():
        for field in many_to_many(model).values():
            field.remote_field.through.objects.all().delete()
    for model in reversed(editor_models()):
        model._default_manager.all().delete()
