"""Each record type with the joins its full representation needs, so a page costs the same few queries
whatever its size. List querysets load what a summary row shows; detail querysets add everything a
caller needs without a second request. The children a list row shows inline have their own
selectors (``action_parties``), so a CSV page read with ``.values()`` lists them in the same order.
"""

from django.db.models import F, Prefetch

from timeline.models import (
    ActionParty,
    Case,
    Charge,
    ChargeStatute,
    Credit,
    EnforcementAction,
    Entity,
    EntityAlias,
    EntityIdentifier,
    EntityRelationship,
    Monitor,
    PardonRequest,
    PardonStatusChange,
    Restriction,
    Sentence,
    Settlement,
    SettlementComponent,
    Source,
)
from timeline.selectors.timelines import events_with_details, ordered_sources


def _sources(path="sources"):
    return Prefetch(path, queryset=ordered_sources())


def entity_aliases():
    return EntityAlias.objects.order_by("alias", "id")


def entity_list():
    return Entity.objects.select_related("parent").prefetch_related(Prefetch("aliases", queryset=entity_aliases()))


def entity_detail():
    relationships = EntityRelationship.objects.select_related("subject", "object").order_by("start_date", "id")
    return entity_list().prefetch_related(
        Prefetch("identifiers", queryset=EntityIdentifier.objects.order_by("scheme", "value")),
        Prefetch("relationships_out", queryset=relationships),
        Prefetch("relationships_in", queryset=relationships),
        Prefetch("components", queryset=Entity.objects.order_by("name")),
        _sources(),
    )


def case_list():
    return Case.objects.all()


def case_detail():
    actions = EnforcementAction.objects.select_related("authority", "court").order_by("filed_on", "id")
    return Case.objects.prefetch_related(
        Prefetch("actions", queryset=actions), _sources(), _sources("headline_sources")
    )


def action_parties():
    return ActionParty.objects.select_related("entity").order_by("role", "entity__name", "id")


def action_list():
    return EnforcementAction.objects.select_related("case", "authority", "court").prefetch_related(
        Prefetch("parties", queryset=action_parties())
    )


def action_detail():
    citations = ChargeStatute.objects.select_related("statute").order_by("statute__citation")
    charges = (
        Charge.objects.select_related("defendant")
        .prefetch_related(Prefetch("citations", queryset=citations), _sources())
        .order_by("number")
    )
    return (
        action_list()
        .select_related("judge")
        .prefetch_related(
            Prefetch("charges", queryset=charges),
            Prefetch("settlements", queryset=Settlement.objects.order_by("agreed_on", "id")),
            Prefetch("sentences", queryset=Sentence.objects.select_related("defendant").order_by("sentenced_on", "id")),
            _sources(),
        )
    )


def settlement_components():
    # Wholes before their parts on every database (NULLs sort first on SQLite, last on PostgreSQL).
    return SettlementComponent.objects.select_related("payer", "part_of").order_by(
        F("part_of_id").asc(nulls_first=True), "key", "id"
    )


def settlement_list():
    return Settlement.objects.select_related("action__authority", "action__case").prefetch_related(
        Prefetch("components", queryset=settlement_components())
    )


def _credits():
    against = SettlementComponent.objects.select_related("payer", "settlement").order_by("key")
    credits = Credit.objects.prefetch_related(Prefetch("against", queryset=against), _sources()).order_by("key")
    return Prefetch("credits", queryset=credits)


def settlement_detail():
    parts = SettlementComponent.objects.select_related("payer").prefetch_related(_sources(), _credits()).order_by("key")
    components = (
        SettlementComponent.objects.filter(part_of__isnull=True)
        .select_related("payer")
        .prefetch_related(_sources(), _credits(), Prefetch("parts", queryset=parts))
        .order_by("key")
    )
    return Settlement.objects.select_related("action__authority", "action__case").prefetch_related(
        Prefetch("components", queryset=components, to_attr="whole_components"),
        Prefetch("monitors", queryset=Monitor.objects.select_related("monitor").prefetch_related(_sources())),
        Prefetch("restrictions", queryset=Restriction.objects.select_related("subject").prefetch_related(_sources())),
        _sources(),
    )


def sentence_list():
    return Sentence.objects.select_related(
        "action__authority", "action__court", "action__case", "defendant", "judge"
    ).prefetch_related(_sources())


def pardon_request_list():
    return PardonRequest.objects.select_related("person", "granted_by")


def pardon_request_detail():
    history = (
        PardonStatusChange.objects.select_related("claimed_by", "responds_to")
        .prefetch_related(_sources())
        .order_by("date", "id")
    )
    sentences = Sentence.objects.select_related("action", "defendant").order_by("sentenced_on", "id")
    return pardon_request_list().prefetch_related(
        Prefetch("history", queryset=history),
        Prefetch("actions", queryset=EnforcementAction.objects.order_by("filed_on", "id")),
        Prefetch("sentences", queryset=sentences),
        _sources(),
    )


def source_list():
    return Source.objects.select_related("original")


def event_list():
    return events_with_details()
