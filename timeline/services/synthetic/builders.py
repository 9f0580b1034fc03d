"""Row builders: every synthetic row, as tuples in the column order of ``tables.TABLES``.

One seeded ``random.Random`` is consumed in a fixed order, action after action, so the data
depends only on the seed and N (not on the batch size). Events that mirror facts are built with
the same keys, titles, dates, types, cases, entities and sources as ``timeline.services.events``
would give them, so ``events_sync_all()`` finds nothing to change.
"""

import datetime
import random
from collections import defaultdict
from decimal import Decimal
from types import SimpleNamespace

from timeline.models import (
    ActionStatus,
    ActionType,
    CaseKind,
    ChargeDisposition,
    EventType,
    FactField,
    PartyRole,
    SourceKind,
)
from timeline.models.actions import RESOLVED_STATUSES
from timeline.services.events import RESOLUTION_EVENT_TYPES
from timeline.services.synthetic import vocabulary as words
from timeline.services.synthetic.entities import EntityPool
from timeline.services.synthetic.events import EventBuilder
from timeline.services.synthetic.outcomes import OutcomeRows
from timeline.services.synthetic.plan import Plan, ZipfSampler
from timeline.services.synthetic.tables import ID_TABLES
from timeline.services.synthetic.values import (
    DAY,
    DISPOSITION_BY_STATUS,
    FILING_VERBS,
    FIRST_DAY,
    FREE_EVENT_COUNT,
    FREE_EVENT_TYPE,
    LAST_DAY,
    MONTH,
    PARTY_COUNT,
    PREFIX,
    STATUS_BY_TYPE,
    STATUS_LABELS,
    UTC,
    YEAR,
    at_precision,
)


class Builder(OutcomeRows):
    """Builds the rows; ``base_rows`` once, then ``action_rows`` for consecutive ranges of actions."""

    def __init__(self, plan: Plan, id_start: dict, existing_statutes: dict):
        self.plan = plan
        self.rng = random.Random(plan.seed)
        self.next_id = {table.name: id_start.get(table.name, 1) for table in ID_TABLES}
        self.out = defaultdict(list)
        self.existing_statutes = existing_statutes
        self._dates = {}
        self._stamps = {}
        self.case_id = None
        self.case_party = None
        self.case_index = 0
        self.prefix = PREFIX
        self.first_day, self.last_day = FIRST_DAY, LAST_DAY
        self.free_event_count, self.free_event_type = FREE_EVENT_COUNT, FREE_EVENT_TYPE
        self.events = EventBuilder(self)

    # helpers
    def new_id(self, table):
        value = self.next_id[table]
        self.next_id[table] = value + 1
        return value

    def date(self, ordinal):
        value = self._dates.get(ordinal)
        if value is None:
            value = self._dates[ordinal] = datetime.date.fromordinal(ordinal)
        return value

    def stamp(self, ordinal):
        """A deterministic created/updated time: noon UTC on the fact's day."""
        value = self._stamps.get(ordinal)
        if value is None:
            day = datetime.date.fromordinal(min(ordinal, LAST_DAY))
            value = self._stamps[ordinal] = datetime.datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
        return value

    def take(self):
        """Hand over the rows built so far, by table name."""
        rows, self.out = self.out, defaultdict(list)
        return rows

    def random_day(self):
        """A filing day, more recent years more likely (enforcement volume grows)."""
        rng = self.rng
        span = LAST_DAY - 200 - FIRST_DAY
        return FIRST_DAY + int(span * rng.random() ** 0.7)

    def precision(self):
        roll = self.rng.random()
        return DAY if roll < 0.92 else MONTH if roll < 0.98 else YEAR

    # base: sources, statutes, entities, relationships
    def base_rows(self):
        plan, rng, out = self.plan, self.rng, self.out
        self.news_ids = []
        for n in range(plan.news_sources):
            source_id = self.new_id("source")
            publisher = words.PUBLISHERS[n % len(words.PUBLISHERS)]
            day = self.random_day()
            out["source"].append(
                (
                    source_id,
                    f"{PREFIX}news-{n}",
                    f"https://news.example.com/{publisher.lower().replace(' ', '-')}/{n}",
                    f"{words.TOPICS[n % len(words.TOPICS)].capitalize()}: inquiry widens ({n})",
                    publisher,
                    self.date(day),
                    DAY,
                    SourceKind.NEWS,
                    None,
                    "",
                    self.stamp(day),
                    self.stamp(day),
                )
            )
            self.news_ids.append(source_id)
        self.news_sampler = ZipfSampler(len(self.news_ids), 0.8)
        self.statute_ids = []
        for citation, title in words.STATUTES:
            statute_id = self.existing_statutes.get(citation)
            if statute_id is None:
                statute_id = self.new_id("statute")
                out["statute"].append((statute_id, citation, title, "US" if "U.S.C." in citation else "GB"))
            self.statute_ids.append(statute_id)
        self.entities = EntityPool(self, plan, rng)
        self.entities.build()

    def news_source(self):
        return self.news_ids[self.news_sampler.draw(self.rng)]

    # per action
    def action_rows(self, start, stop):
        for index in range(start, stop):
            self.action(index)

    def action(self, index):
        rng, out, pool = self.rng, self.out, self.entities
        authority = pool.draw_authority()
        action_type = authority.action_type if rng.random() < 0.8 else rng.choice(tuple(ActionType))
        action_type = ActionType(action_type).value
        if self.case_id is None or rng.random() < 0.5:
            first_party = pool.draw_party()
            case_id = self.new_case(first_party)
        else:
            first_party, case_id = self.case_party, self.case_id
        parties = [first_party]
        for _ in range(PARTY_COUNT.draw(rng) - 1):
            party = pool.draw_party()
            if party not in parties:
                parties.append(party)
        first_name = pool.name[first_party]
        caption = f"{authority.caption} {first_name}" + (" et al." if len(parties) > 1 else "")

        status = STATUS_BY_TYPE[action_type].draw(rng).value
        filed_precision = self.precision()
        filed = at_precision(self.random_day(), filed_precision)
        resolved = None
        resolved_precision = DAY
        same_day_order = False
        if status in RESOLVED_STATUSES or (status == ActionStatus.PARTIAL_VERDICT and rng.random() < 0.5):
            if action_type == ActionType.ADMINISTRATIVE and rng.random() < 0.6:
                resolved, resolved_precision, same_day_order = filed, filed_precision, True
            else:
                resolved = min(filed + 20 + int(rng.expovariate(1 / 400)), LAST_DAY)
                if rng.random() < 0.05 and at_precision(resolved, MONTH) >= filed:
                    resolved, resolved_precision = at_precision(resolved, MONTH), MONTH
        court_id = judge_id = None
        docket = ""
        if action_type != ActionType.ADMINISTRATIVE and (action_type == ActionType.CRIMINAL or rng.random() < 0.8):
            court_id = pool.draw_court()
            code = "cr" if action_type == ActionType.CRIMINAL else "cv"
            docket = f"{datetime.date.fromordinal(filed).year % 100:02d}-{code}-{index:07d}"
            if rng.random() < 0.7:
                judge_id = pool.draw_judge()

        action_id = self.new_id("action")
        slug = f"{PREFIX}{authority.slug}-{index}"
        topic = words.TOPICS[rng.randrange(len(words.TOPICS))]
        published = resolved or filed
        release_id = self.new_id("source")
        out["source"].append(
            (
                release_id,
                f"{PREFIX}release-{index}",
                f"https://{authority.slug}.example.gov/releases/{index}",
                f"{authority.name} announces action against {first_name} for {topic}",
                authority.name,
                self.date(published),
                DAY,
                SourceKind.COURT_RECORD if court_id and rng.random() < 0.3 else SourceKind.AGENCY_RELEASE,
                None,
                "",
                self.stamp(published),
                self.stamp(published),
            )
        )
        sources = [release_id]
        if rng.random() < 0.3:
            sources.append(self.news_source())
        out["action"].append(
            (
                action_id,
                slug,
                case_id,
                authority.id,
                action_type,
                caption,
                court_id,
                docket,
                judge_id,
                status,
                self.date(filed),
                filed_precision,
                self.date(resolved) if resolved else None,
                resolved_precision,
                f"Alleged {topic} by {first_name}.",
                self.stamp(filed),
                self.stamp(published),
            )
        )
        out["action_sources"].extend((action_id, source_id) for source_id in sources)
        role = PartyRole.DEFENDANT if action_type != ActionType.ADMINISTRATIVE else PartyRole.RESPONDENT
        for position, entity_id in enumerate(parties):
            party_role = PartyRole.RELIEF_DEFENDANT if position and rng.random() < 0.05 else role
            out["party"].append((self.new_id("party"), action_id, entity_id, party_role.value, ""))

        fact = SimpleNamespace(
            id=action_id,
            slug=slug,
            case_id=case_id,
            authority=authority,
            action_type=action_type,
            caption=caption,
            status=status,
            filed=filed,
            resolved=resolved,
            resolved_precision=resolved_precision,
            parties=parties,
            release_id=release_id,
            sources=sources,
            judge_id=judge_id,
            court_id=court_id,
        )
        self.charges(fact)
        entity_ids = {authority.id, *parties}
        events = self.events
        if filed and not same_day_order:
            events.mirror(
                FactField.ACTION_FILED,
                "action_id",
                action_id,
                f"{slug}-filed",
                filed,
                filed_precision,
                EventType.FILING,
                f"{authority.name} {FILING_VERBS[action_type]}: {caption}",
                case_id,
                entity_ids,
                sources,
            )
        if resolved:
            events.mirror(
                FactField.ACTION_RESOLVED,
                "action_id",
                action_id,
                f"{slug}-resolved",
                resolved,
                resolved_precision,
                RESOLUTION_EVENT_TYPES.get(status, EventType.JUDGMENT),
                f"{caption}: {STATUS_LABELS[status].lower()}",
                case_id,
                entity_ids,
                sources,
            )
        settles = status in (ActionStatus.SETTLED, ActionStatus.PLEA, ActionStatus.JUDGMENT) or (
            status in (ActionStatus.CONVICTED, ActionStatus.CLOSED) and rng.random() < 0.4
        )
        if settles and resolved:
            self.settlement(fact)
        if action_type == ActionType.CRIMINAL and resolved and status in (ActionStatus.PLEA, ActionStatus.CONVICTED):
            for entity_id in parties[:2]:
                if pool.kind[entity_id] == "person":
                    self.sentence(fact, entity_id)
        events.free_standing(fact)

    def new_case(self, first_party):
        rng, out = self.rng, self.out
        case_id = self.new_id("case")
        self.case_index += 1
        name = self.entities.name[first_party]
        topic = words.TOPICS[rng.randrange(len(words.TOPICS))]
        headline = ("", None, "")
        if rng.random() < 0.2:
            millions = int(10 ** rng.uniform(0, 4))
            headline = (f"over ${millions:,} million", Decimal(millions * 1_000_000), "USD")
        day = self.random_day()
        out["case"].append(
            (
                case_id,
                f"{PREFIX}case-{self.case_index}",
                f"{name}: {topic}",
                CaseKind.ENFORCEMENT,
                "",
                f"Proceedings against {name} over {topic}.",
                *headline,
                self.stamp(day),
                self.stamp(day),
            )
        )
        out["case_sources"].append((case_id, self.news_source()))
        self.case_id, self.case_party = case_id, first_party
        return case_id

    def charges(self, fact):
        rng, out = self.rng, self.out
        count = {"criminal": 4, "civil": 3, "administrative": 2}[fact.action_type]
        disposition = DISPOSITION_BY_STATUS.get(fact.status, ChargeDisposition.PENDING).value
        resolved = fact.resolved if disposition != ChargeDisposition.PENDING else None
        for number in range(1, rng.randint(1, count) + 1):
            charge_id = self.new_id("charge")
            defendant = rng.choice(fact.parties) if len(fact.parties) > 1 and rng.random() < 0.5 else None
            out["charge"].append(
                (
                    charge_id,
                    fact.id,
                    number,
                    defendant,
                    words.CHARGE_DESCRIPTIONS[rng.randrange(len(words.CHARGE_DESCRIPTIONS))],
                    1 if rng.random() < 0.7 else rng.randint(2, 12),
                    disposition,
                    self.date(resolved) if resolved else None,
                    fact.resolved_precision if resolved else DAY,
                    "",
                )
            )
            out["charge_sources"].append((charge_id, fact.release_id))
            statutes = {self.statute_ids[rng.randrange(len(self.statute_ids))]}
            if rng.random() < 0.2:
                statutes.add(self.statute_ids[rng.randrange(len(self.statute_ids))])
            for statute_id in sorted(statutes):
                out["charge_statute"].append((self.new_id("charge_statute"), charge_id, statute_id, rng.random() < 0.9))
