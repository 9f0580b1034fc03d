"""The tables the generator fills, their column order, and the order they are written in.

Rows are plain tuples in the column order given here. Main tables carry explicit ids (the
generator allocates them so rows can reference each other before anything is written); the
many-to-many tables leave ``id`` to the database.
"""

from dataclasses import dataclass

from timeline.models import (
    ActionParty,
    Case,
    Charge,
    ChargeStatute,
    Credit,
    EnforcementAction,
    Entity,
    EntityRelationship,
    Event,
    PardonRequest,
    PardonStatusChange,
    Sentence,
    Settlement,
    SettlementComponent,
    Source,
    Statute,
)


@dataclass(frozen=True)
class Table:
    name: str
    model: type
    columns: tuple
    has_id: bool = True


def _main(name, model):
    return Table(name, model, tuple(field.column for field in model._meta.concrete_fields))


def _m2m(name, model, field_name):
    through = model._meta.get_field(field_name).remote_field.through
    columns = tuple(field.column for field in through._meta.concrete_fields if not field.primary_key)
    return Table(name, through, columns, has_id=False)


# Dependency order: a table comes after every table it references.
TABLES = (
    _main("source", Source),
    _main("statute", Statute),
    _main("entity", Entity),
    _main("relationship", EntityRelationship),
    _m2m("relationship_sources", EntityRelationship, "sources"),
    _main("case", Case),
    _m2m("case_sources", Case, "sources"),
    _main("action", EnforcementAction),
    _m2m("action_sources", EnforcementAction, "sources"),
    _main("party", ActionParty),
    _main("charge", Charge),
    _m2m("charge_sources", Charge, "sources"),
    _main("charge_statute", ChargeStatute),
    _main("settlement", Settlement),
    _m2m("settlement_sources", Settlement, "sources"),
    _main("component", SettlementComponent),
    _m2m("component_sources", SettlementComponent, "sources"),
    _main("credit", Credit),
    _m2m("credit_against", Credit, "against"),
    _m2m("credit_sources", Credit, "sources"),
    _main("sentence", Sentence),
    _m2m("sentence_sources", Sentence, "sources"),
    _main("pardon_request", PardonRequest),
    _m2m("pardon_request_actions", PardonRequest, "actions"),
    _m2m("pardon_request_sentences", PardonRequest, "sentences"),
    _m2m("pardon_request_sources", PardonRequest, "sources"),
    _main("status_change", PardonStatusChange),
    _m2m("status_change_sources", PardonStatusChange, "sources"),
    _main("event", Event),
    _m2m("event_entities", Event, "entities"),
    _m2m("event_sources", Event, "sources"),
)
TABLES_BY_NAME = {table.name: table for table in TABLES}
ID_TABLES = tuple(table for table in TABLES if table.has_id)
