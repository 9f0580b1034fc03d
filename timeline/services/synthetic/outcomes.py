"""Rows for how actions ended: settlements with components and credits, sentences, clemency."""

from types import SimpleNamespace

from timeline.models import (
    ClaimStatus,
    ClemencyKind,
    ClemencyStatus,
    CreditEvidence,
    CreditKind,
    CreditQuantum,
    EventType,
    FactField,
    Sentence,
)
from timeline.services.clemency import derived_status
from timeline.services.synthetic import vocabulary as words
from timeline.services.synthetic.values import (
    CLAIM_LABELS,
    CLEMENCY_KIND_LABELS,
    CLEMENCY_STATUS_LABELS,
    COMPONENT_KINDS,
    CURRENCY_BY_COUNTRY,
    CUSTODY_MONTHS,
    DAY,
    FACT,
    LAST_DAY,
    PREFIX,
    SETTLEMENT_KINDS,
    SETTLEMENT_LABELS,
    cents,
)


def custody_display(custody_months, is_life_sentence):
    """The model's own wording, so mirrored titles match what events_sync would write."""
    return Sentence.custody_display.fget(
        SimpleNamespace(custody_months=custody_months, is_life_sentence=is_life_sentence)
    )


class OutcomeRows:
    """Mixed into the Builder: the rows of a resolved action's settlement, sentences and clemency."""

    def settlement(self, fact):
        rng, out = self.rng, self.out
        settlement_id = self.new_id("settlement")
        kind = rng.choice(SETTLEMENT_KINDS[fact.action_type]).value
        agreed = fact.resolved
        if rng.random() < 0.35:
            agreed = max(fact.filed, fact.resolved - rng.randint(5, 120))
        approved = fact.resolved if fact.court_id and rng.random() < 0.6 and fact.resolved >= agreed else None
        currency = CURRENCY_BY_COUNTRY.get(fact.authority.country, "USD")
        slug = f"{PREFIX}stl-{fact.slug[len(PREFIX) :]}"
        title = f"{SETTLEMENT_LABELS[kind]} with {self.entities.name[fact.parties[0]]}"
        components = []
        total = 0
        for position in range(rng.choice((1, 1, 1, 2, 2, 3))):
            payer = fact.parties[position % len(fact.parties)]
            amount = int(10 ** rng.triangular(3.0, 10.3, 5.5)) * 100
            suspended = amount * rng.randint(1, 5) // 10 if rng.random() < 0.04 else 0
            component_id = self.new_id("component")
            component_kind = rng.choice(COMPONENT_KINDS[fact.action_type]).value
            out["component"].append(
                (
                    component_id,
                    f"{PREFIX}cmp-{component_id}",
                    settlement_id,
                    payer,
                    component_kind,
                    cents(amount),
                    currency,
                    rng.random() < 0.03,
                    cents(suspended),
                    None,
                    "",
                    "",
                    "",
                )
            )
            out["component_sources"].append((component_id, fact.release_id))
            components.append((component_id, amount, suspended, payer))
            total += amount
            if rng.random() < 0.03:
                first = amount * rng.randint(2, 8) // 10
                for part_amount in (first, amount - first):
                    part_id = self.new_id("component")
                    out["component"].append(
                        (
                            part_id,
                            f"{PREFIX}cmp-{part_id}",
                            settlement_id,
                            payer,
                            component_kind,
                            cents(part_amount),
                            currency,
                            False,
                            cents(0),
                            component_id,
                            "Breakdown of the amount above",
                            "",
                            "",
                        )
                    )
                    out["component_sources"].append((part_id, fact.release_id))
        if len(components) > 1 and rng.random() < 0.3:
            component_id, amount, suspended, _ = components[1]
            credit_id = self.new_id("credit")
            credited = (amount - suspended) * rng.randint(2, 10) // 10
            out["credit"].append(
                (
                    credit_id,
                    f"{PREFIX}crd-{credit_id}",
                    component_id,
                    rng.choice(tuple(CreditKind)).value,
                    CreditQuantum.STATED,
                    cents(credited),
                    currency,
                    CreditEvidence.REPORTED,
                    False,
                    "",
                )
            )
            out["credit_against"].append((credit_id, components[0][0]))
            out["credit_sources"].append((credit_id, fact.release_id))
        stated = (cents(total), currency) if rng.random() < 0.5 else (None, "")
        out["settlement"].append(
            (
                settlement_id,
                slug,
                fact.id,
                kind,
                title,
                self.date(agreed),
                DAY,
                self.date(approved) if approved else None,
                DAY,
                *stated,
                "",
                self.stamp(agreed),
                self.stamp(fact.resolved),
            )
        )
        out["settlement_sources"].append((settlement_id, fact.release_id))
        if agreed != fact.resolved:
            self.events.mirror(
                FactField.SETTLEMENT_AGREED,
                "settlement_id",
                settlement_id,
                f"{slug}-agreed",
                agreed,
                DAY,
                EventType.SETTLEMENT,
                f"{SETTLEMENT_LABELS[kind]}: {title}",
                fact.case_id,
                {fact.authority.id, *(payer for *_, payer in components)},
                [fact.release_id],
            )

    def sentence(self, fact, defendant):
        rng, out, pool = self.rng, self.out, self.entities
        sentence_id = self.new_id("sentence")
        sentenced = min(fact.resolved + rng.randint(60, 300), LAST_DAY)
        is_life = rng.random() < 0.005
        custody = None if is_life or rng.random() < 0.2 else CUSTODY_MONTHS.draw(rng)
        report = released = scheduled = None
        facility = ""
        if custody:
            facility = words.FACILITIES[rng.randrange(len(words.FACILITIES))]
            scheduled = sentenced + 60 + custody * 26
            if rng.random() < 0.75 and sentenced + 120 <= LAST_DAY:
                report = sentenced + rng.randint(30, 120)
                if report + custody * 26 <= LAST_DAY:
                    released = report + custody * 26
        fine = (cents(int(10 ** rng.uniform(4, 7)) * 100), "USD") if rng.random() < 0.3 else (None, "")
        out["sentence"].append(
            (
                sentence_id,
                fact.id,
                defendant,
                self.date(sentenced),
                fact.judge_id,
                custody,
                is_life,
                rng.choice((None, 12, 24, 36)) if not custody else None,
                rng.choice((12, 24, 36, 60)) if custody else None,
                *fine,
                None,
                "",
                "",
                "",
                facility,
                self.date(report) if report else None,
                DAY,
                self.date(scheduled) if scheduled else None,
                self.date(released) if released else None,
                "",
                self.stamp(sentenced),
                self.stamp(released or report or sentenced),
            )
        )
        out["sentence_sources"].append((sentence_id, fact.release_id))
        name, slug = pool.name[defendant], pool.slug[defendant]
        entity_ids = {defendant, fact.authority.id}
        mirror = self.events.mirror
        base = f"{fact.slug}-{slug}"
        mirror(
            FactField.SENTENCE_IMPOSED,
            "sentence_id",
            sentence_id,
            f"{base}-sentenced",
            sentenced,
            DAY,
            EventType.SENTENCING,
            f"{name} sentenced to {custody_display(custody, is_life)}",
            fact.case_id,
            entity_ids,
            [fact.release_id],
        )
        if report:
            mirror(
                FactField.SENTENCE_REPORTED,
                "sentence_id",
                sentence_id,
                f"{base}-reported",
                report,
                DAY,
                EventType.CUSTODY,
                f"{name} reports to prison ({facility})",
                fact.case_id,
                entity_ids,
                [fact.release_id],
            )
        if released:
            mirror(
                FactField.SENTENCE_RELEASED,
                "sentence_id",
                sentence_id,
                f"{base}-released",
                released,
                DAY,
                EventType.RELEASE,
                f"{name} released from custody",
                fact.case_id,
                entity_ids,
                [fact.release_id],
            )
        if rng.random() < 0.15:
            self.pardon_request(fact, defendant, sentence_id, sentenced)

    def pardon_request(self, fact, person, sentence_id, sentenced):
        rng, out, pool = self.rng, self.out, self.entities
        request_id = self.new_id("pardon_request")
        kind = ClemencyKind.PARDON.value if rng.random() < 0.6 else ClemencyKind.COMMUTATION.value
        day = min(sentenced + rng.randint(90, 900), LAST_DAY)
        steps = [(ClemencyStatus.REQUESTED.value, day, FACT, None, False)]
        if rng.random() < 0.5:
            day = min(day + rng.randint(20, 200), LAST_DAY)
            steps.append((ClemencyStatus.PENDING.value, day, FACT, None, False))
        if rng.random() < 0.15:
            day = min(day + rng.randint(5, 60), LAST_DAY)
            steps.append((ClemencyStatus.GRANTED.value, day, ClaimStatus.REPORTED.value, person, False))
            day = min(day + rng.randint(1, 10), LAST_DAY)
            steps.append((ClemencyStatus.DENIED.value, day, ClaimStatus.DENIED.value, person, True))
        outcome = rng.random()
        if outcome < 0.35:
            day = min(day + rng.randint(30, 400), LAST_DAY)
            steps.append((ClemencyStatus.GRANTED.value, day, FACT, None, False))
        elif outcome < 0.6:
            day = min(day + rng.randint(30, 400), LAST_DAY)
            steps.append((ClemencyStatus.DENIED.value, day, FACT, None, False))
        changes = []
        previous_id = None
        for status, date, claim, claimed_by, responds in steps:
            change_id = self.new_id("status_change")
            source_id = self.news_source()
            changes.append(
                SimpleNamespace(pk=change_id, status=status, date=date, claim_status=claim, source=source_id)
            )
            out["status_change"].append(
                (
                    change_id,
                    f"{PREFIX}psc-{change_id}",
                    request_id,
                    status,
                    self.date(date),
                    DAY,
                    claim,
                    claimed_by,
                    previous_id if responds else None,
                    f"{CLEMENCY_STATUS_LABELS[status]} ({CLAIM_LABELS[claim].lower()}).",
                )
            )
            out["status_change_sources"].append((change_id, source_id))
            previous_id = change_id
        status = derived_status(changes)
        granted_by = pool.president if status == ClemencyStatus.GRANTED else None
        out["pardon_request"].append(
            (
                request_id,
                f"{PREFIX}pardon-{request_id}",
                person,
                kind,
                status,
                granted_by,
                "",
                self.stamp(steps[0][1]),
                self.stamp(day),
            )
        )
        out["pardon_request_actions"].append((request_id, fact.id))
        out["pardon_request_sentences"].append((request_id, sentence_id))
        out["pardon_request_sources"].append((request_id, fact.release_id))
        name = pool.name[person]
        kind_label = CLEMENCY_KIND_LABELS[kind]
        for change, (step_status, date, claim, claimed_by, _) in zip(changes, steps, strict=True):
            entity_ids = {person}
            if claimed_by:
                entity_ids.add(claimed_by)
            if step_status == ClemencyStatus.GRANTED and granted_by:
                entity_ids.add(granted_by)
            title = f"{kind_label} for {name}: {CLEMENCY_STATUS_LABELS[step_status].lower()}"
            if claim != FACT:
                title += f" ({CLAIM_LABELS[claim].lower()} by {pool.name[claimed_by]})"
            self.events.mirror(
                FactField.CLEMENCY_STEP,
                "status_change_id",
                change.pk,
                f"{PREFIX}psc-{change.pk}-event",
                date,
                DAY,
                EventType.CLEMENCY,
                title,
                fact.case_id,
                entity_ids,
                [change.source],
                claim_status=claim,
                claimed_by=claimed_by,
            )
