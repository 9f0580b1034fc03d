"""The fixed request mix, with the raw-SQL reference and the framework floor of each request.

Samples are chosen from the data, deterministically, to be the demanding cases a real database
has: the busiest authority, the entity in the most actions (a repeat offender), the case with the
most actions, a search word that matches a few per cent of the rows.

| name            | request                                                        | target      |
|-----------------|----------------------------------------------------------------|-------------|
| actions-list    | /api/v1/actions/?authority=<busiest>&status=settled            | p95 <= 15 ms|
| action-detail   | /api/v1/actions/<slug>/                                        | p95 <= 15 ms|
| events-list     | /api/v1/events/?type=settlement                                | p95 <= 15 ms|
| entity-timeline | /api/v1/entities/<repeat offender>/timeline/                   | p95 <= 15 ms|
| case-timeline   | /api/v1/cases/<largest case>/timeline/                         | p95 <= 15 ms|
| search          | /api/v1/actions/?q=<word>                                      | p95 <= 25 ms|
| stats-authority | /api/v1/stats/penalties/?group_by=authority                    | p95 <= 50 ms|
| stats-year      | /api/v1/stats/penalties/?group_by=year                         | p95 <= 50 ms|
| csv-actions     | /api/v1/actions/?format=csv&page_size=1000                     | p95 <= 150ms|
| admin-actions   | /admin/timeline/enforcementaction/?status__exact=settled&q=<w> | p95 <= 100ms|
| admin-events    | /admin/timeline/event/?event_type__exact=filing&q=<word>       | p95 <= 100ms|

The list mix measured for throughput is the API list, detail and timeline requests.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Exists, OuterRef, Q

from benchmarks import reference
from benchmarks.floor import FloorSpec
from timeline.models import ActionParty, EnforcementAction, Entity, Event, EventType

SEARCH_WORD = "meridian"
THROUGHPUT_GROUPS = {"list", "detail", "timeline"}


@dataclass
class Request:
    name: str
    group: str
    path: str
    params: dict
    p95_target_ms: float
    reference: object = None
    reference_args: tuple = ()
    floor: FloorSpec | None = None
    admin: bool = False
    identity: str = "slug"
    notes: list = field(default_factory=list)

    @property
    def url(self):
        return f"{self.path}?{urlencode(self.params)}" if self.params else self.path


@dataclass
class Samples:
    authority: Entity
    offender: Entity
    case_id: int
    case_slug: str
    action: EnforcementAction


def choose_samples():
    """The demanding, deterministic samples: busiest authority, top party, largest case, middle action."""
    authority_id = (
        EnforcementAction.objects.values("authority_id").annotate(n=Count("id")).order_by("-n", "authority_id")[0]
    )["authority_id"]
    offender_id = (ActionParty.objects.values("entity_id").annotate(n=Count("id")).order_by("-n", "entity_id")[0])[
        "entity_id"
    ]
    case = (
        EnforcementAction.objects.values("case_id", "case__slug").annotate(n=Count("id")).order_by("-n", "case_id")[0]
    )
    ids = EnforcementAction.objects.order_by("id").values_list("id", flat=True)
    middle = (ids.first() + ids.last()) // 2
    action = EnforcementAction.objects.filter(id__gte=middle).order_by("id").first()
    return Samples(
        authority=Entity.objects.get(pk=authority_id),
        offender=Entity.objects.get(pk=offender_id),
        case_id=case["case_id"],
        case_slug=case["case__slug"],
        action=action,
    )


def _action_search(word):
    parties = ActionParty.objects.filter(action=OuterRef("pk"), entity__name__icontains=word)
    return Q(caption__icontains=word) | Q(docket_number__icontains=word) | Q(summary__icontains=word) | Exists(parties)


def build_mix(samples: Samples):
    """The request mix for these samples; every request carries its reference and (where meaningful) floor."""
    authority, offender, action, word = samples.authority, samples.offender, samples.action, SEARCH_WORD
    entity_events = Event.entities.through.objects.filter(entity_id=offender.pk).values("event_id")
    admin_action_search = (
        Q(caption__icontains=word)
        | Q(slug__icontains=word)
        | Q(docket_number__icontains=word)
        | Q(authority__name__icontains=word)
        | Exists(ActionParty.objects.filter(action=OuterRef("pk"), entity__name__icontains=word))
    )
    admin_event_search = (
        Q(title__icontains=word)
        | Q(description__icontains=word)
        | Q(key__icontains=word)
        | Q(id__in=Event.entities.through.objects.filter(entity__name__icontains=word).values("event_id"))
    )
    return [
        Request(
            "actions-list",
            "list",
            "/api/v1/actions/",
            {"authority": authority.slug, "status": "settled"},
            15,
            reference.actions_page,
            ("a.authority_id = %s AND a.status = %s", [authority.pk, "settled"], 20),
            FloorSpec(
                EnforcementAction,
                lambda: EnforcementAction.objects.filter(authority=authority, status="settled"),
                ("-filed_on", "caption"),
            ),
        ),
        Request(
            "action-detail",
            "detail",
            f"/api/v1/actions/{action.slug}/",
            {},
            15,
            reference.action_detail,
            (action.pk,),
            FloorSpec(EnforcementAction, lambda: EnforcementAction.objects.filter(pk=action.pk), ("id",)),
        ),
        Request(
            "events-list",
            "list",
            "/api/v1/events/",
            {"type": EventType.SETTLEMENT.value},
            15,
            reference.events_page,
            ("e.event_type = %s", [EventType.SETTLEMENT.value], 20),
            FloorSpec(
                Event, lambda: Event.objects.filter(event_type=EventType.SETTLEMENT), ("date", "id"), cursor=True
            ),
            identity="key",
        ),
        Request(
            "entity-timeline",
            "timeline",
            f"/api/v1/entities/{offender.slug}/timeline/",
            {},
            15,
            reference.events_page,
            (
                "e.id IN (SELECT ee.event_id FROM timeline_event_entities ee WHERE ee.entity_id = %s)",
                [offender.pk],
                20,
            ),
            FloorSpec(Event, lambda: Event.objects.filter(id__in=entity_events), ("date", "id"), cursor=True),
            identity="key",
        ),
        Request(
            "case-timeline",
            "timeline",
            f"/api/v1/cases/{samples.case_slug}/timeline/",
            {},
            15,
            reference.events_page,
            ("e.case_id = %s", [samples.case_id], 20),
            FloorSpec(Event, lambda: Event.objects.filter(case_id=samples.case_id), ("date", "id"), cursor=True),
            identity="key",
        ),
        Request(
            "search",
            "search",
            "/api/v1/actions/",
            {"q": word},
            25,
            reference.actions_page,
            (reference.ACTION_SEARCH, [f"%{word}%"] * 4, 20),
            FloorSpec(
                EnforcementAction,
                lambda: EnforcementAction.objects.filter(_action_search(word)),
                ("-filed_on", "caption"),
            ),
        ),
        Request(
            "stats-authority",
            "stats",
            "/api/v1/stats/penalties/",
            {"group_by": "authority"},
            50,
            reference.penalty_totals,
            ("authority",),
            identity="",
        ),
        Request(
            "stats-year",
            "stats",
            "/api/v1/stats/penalties/",
            {"group_by": "year"},
            50,
            reference.penalty_totals,
            ("year",),
            identity="",
        ),
        Request(
            "csv-actions",
            "csv",
            "/api/v1/actions/",
            {"format": "csv", "page_size": 1000},
            150,
            reference.actions_page,
            ("TRUE", [], 1000),
            FloorSpec(EnforcementAction, EnforcementAction.objects.all, ("-filed_on", "caption"), page_size=1000),
        ),
        Request(
            "admin-actions",
            "admin",
            "/admin/timeline/enforcementaction/",
            {"status__exact": "settled", "q": word},
            100,
            reference.admin_actions_page,
            (word,),
            FloorSpec(
                EnforcementAction,
                lambda: EnforcementAction.objects.filter(admin_action_search, status="settled"),
                ("-filed_on", "caption"),
                page_size=100,
            ),
            admin=True,
            identity="",
        ),
        Request(
            "admin-events",
            "admin",
            "/admin/timeline/event/",
            {"event_type__exact": EventType.FILING.value, "q": word},
            100,
            reference.admin_events_page,
            (word,),
            FloorSpec(
                Event,
                lambda: Event.objects.filter(admin_event_search, event_type=EventType.FILING),
                ("-date", "-id"),
                page_size=100,
            ),
            admin=True,
            identity="",
        ),
    ]
