"""Synthetic timeline events: the ones mirroring facts, and free-standing reports and statements."""

from timeline.models import ClaimStatus, EventType

LINK_COLUMNS = ("action_id", "settlement_id", "sentence_id", "status_change_id", "relationship_id")
FACT = ClaimStatus.FACT.value


class EventBuilder:
    """Appends event rows and their entity and source links to the builder's output."""

    def __init__(self, builder):
        self.builder = builder

    def mirror(
        self,
        fact_field,
        link_column,
        link_id,
        key,
        day,
        precision,
        event_type,
        title,
        case_id,
        entity_ids,
        source_ids,
        claim_status=FACT,
        claimed_by=None,
    ):
        links = tuple(link_id if column == link_column else None for column in LINK_COLUMNS)
        return self._event(
            key, day, precision, event_type, title, "", case_id, claim_status, claimed_by, None,
            fact_field.value, links, entity_ids, source_ids,
        )  # fmt: skip

    def _event(
        self,
        key,
        day,
        precision,
        event_type,
        title,
        description,
        case_id,
        claim_status,
        claimed_by,
        responds_to,
        fact_field,
        links,
        entity_ids,
        source_ids,
    ):
        builder = self.builder
        out = builder.out
        event_id = builder.new_id("event")
        stamp = builder.stamp(day)
        out["event"].append(
            (
                event_id,
                key,
                builder.date(day),
                precision,
                event_type,
                title,
                description,
                case_id,
                claim_status,
                claimed_by,
                responds_to,
                fact_field,
                *links,
                stamp,
                stamp,
            )
        )
        out["event_entities"].extend((event_id, entity_id) for entity_id in sorted(entity_ids))
        out["event_sources"].extend((event_id, source_id) for source_id in sorted(set(source_ids)))
        return event_id

    def free_standing(self, fact):
        """Press reports, statements (some denying a report), court orders: fact_field left empty."""
        builder = self.builder
        rng, pool = builder.rng, builder.entities
        end = fact.resolved or builder.last_day
        first = fact.parties[0]
        first_name = pool.name[first]
        last_report = None
        no_links = (None,) * len(LINK_COLUMNS)
        for number in range(builder.free_event_count.draw(rng)):
            event_type = builder.free_event_type.draw(rng).value
            if event_type == EventType.COURT_ORDER and not fact.court_id:
                event_type = EventType.OTHER.value
            day = fact.filed + int((end - fact.filed) * rng.random())
            claim_status, claimed_by, responds_to = FACT, None, None
            if event_type == EventType.PRESS_REPORT:
                title = f"Report: {first_name} faces scrutiny over {fact.caption}"
            elif event_type == EventType.STATEMENT:
                if last_report and rng.random() < 0.5:
                    claim_status, claimed_by, responds_to = ClaimStatus.DENIED.value, first, last_report
                    title = f"{first_name} denies the report"
                else:
                    title = f"{first_name} issues a statement"
            elif event_type == EventType.COURT_ORDER:
                title = f"Court order in {fact.caption}"
            elif event_type == EventType.UNSEALING:
                title = f"Charging papers unsealed: {fact.caption}"
            else:
                title = f"Update: {fact.caption}"
            entity_ids = {first, fact.authority.id} if rng.random() < 0.5 else {first}
            event_id = self._event(
                f"{fact.slug}-note-{number}", day, "day", event_type, title, "", fact.case_id, claim_status,
                claimed_by, responds_to, "", no_links, entity_ids, [builder.news_source()],
            )  # fmt: skip
            if event_type == EventType.PRESS_REPORT:
                last_report = event_id
