"""Synthetic entities: authorities (some part of others), courts, judges, company groups and people.

Companies come in groups (a parent with subsidiaries, linked by dated ``subsidiary_of``
relationships) and some people are officers of a company, so "include related" roll-ups have
something to roll up. Parties are drawn with Zipf skew over a pool of repeat offenders plus a
uniform long tail, so a few entities appear in thousands of actions.
"""

import datetime
from types import SimpleNamespace

from timeline.models import EntityKind, EventType, FactField, RelationshipKind
from timeline.services.synthetic import vocabulary as words
from timeline.services.synthetic.plan import WeightedChoice, ZipfSampler

KIND_LABELS = {value: str(label) for value, label in RelationshipKind.choices}
SUFFIX_SLUGS = {suffix: suffix.lower().replace(".", "") for suffix in words.COMPANY_SUFFIXES}
OFFICER_ROLES = (
    (RelationshipKind.CEO_OF.value, "Chief Executive Officer"),
    (RelationshipKind.OFFICER_OF.value, "Chief Financial Officer"),
    (RelationshipKind.OFFICER_OF.value, "Chief Compliance Officer"),
    (RelationshipKind.DIRECTOR_OF.value, ""),
    (RelationshipKind.FOUNDER_OF.value, ""),
)


class EntityPool:
    """Creates every entity row up front and answers the skewed draws the action builder needs."""

    def __init__(self, builder, plan, rng):
        self.builder = builder
        self.plan = plan
        self.rng = rng
        self.name = {}
        self.slug = {}
        self.kind = {}
        self.company_countries = WeightedChoice(words.COMPANY_COUNTRIES)
        self.person_countries = WeightedChoice(words.PERSON_COUNTRIES)

    def add(self, name, slug, kind, country, parent_id=None):
        builder = self.builder
        entity_id = builder.new_id("entity")
        stamp = builder.stamp(builder.first_day)
        builder.out["entity"].append((entity_id, slug, name, kind, country, parent_id, "", stamp, stamp))
        self.name[entity_id] = name
        self.slug[entity_id] = slug
        self.kind[entity_id] = kind
        return entity_id

    def build(self):
        plan, rng, prefix = self.plan, self.rng, self.builder.prefix
        self.authorities = []
        for name, slug, country, action_type, caption in words.AUTHORITIES[: plan.authorities]:
            entity_id = self.add(name, f"{prefix}{slug}", EntityKind.AUTHORITY, country)
            self.authorities.append(
                SimpleNamespace(
                    id=entity_id, name=name, slug=slug, country=country, action_type=action_type, caption=caption
                )
            )
        doj = self.authorities[1].id
        for n in range(plan.authorities - len(self.authorities)):
            district = words.DISTRICTS[n % len(words.DISTRICTS)]
            state = words.STATES[(n // len(words.DISTRICTS)) % len(words.STATES)]
            name = f"U.S. Attorney's Office for the {district} District of {state}" + (
                f" ({n // 138 + 1})" if n >= 138 else ""
            )
            slug = f"usao-{district[:1].lower()}d{state[:3].lower()}-{n}"
            entity_id = self.add(name, f"{prefix}{slug}", EntityKind.AUTHORITY, "US", parent_id=doj)
            self.authorities.append(
                SimpleNamespace(
                    id=entity_id, name=name, slug=slug, country="US", action_type="criminal", caption="United States v."
                )
            )
        self.authority_sampler = ZipfSampler(len(self.authorities), plan.authority_exponent)
        self.president = self.add(
            "Office of the President of the United States", f"{prefix}potus", EntityKind.AUTHORITY, "US"
        )
        self.courts = []
        for n in range(plan.courts):
            district = words.DISTRICTS[n % len(words.DISTRICTS)]
            state = words.STATES[(n // len(words.DISTRICTS)) % len(words.STATES)]
            name = f"U.S. District Court for the {district} District of {state}" + (
                f" (Division {n // 138 + 1})" if n >= 138 else ""
            )
            self.courts.append(self.add(name, f"{prefix}court-{n}", EntityKind.COURT, "US"))
        self.judges = [self.person() for _ in range(plan.judges)]
        self.companies = []
        parents = []
        for rank in range(plan.parent_companies):
            parent = self.company()
            parents.append(parent)
            subsidiaries = int(6 / (rank + 1) ** 0.5) + rng.choice((0, 0, 1, 1, 2))
            for _ in range(subsidiaries):
                subsidiary = self.company(group=self.name[parent].split()[0])
                self.relationship(subsidiary, RelationshipKind.SUBSIDIARY_OF.value, parent, "")
        self.offenders = parents[: plan.repeat_offenders]
        self.offender_sampler = ZipfSampler(len(self.offenders), plan.offender_exponent)
        self.people = []
        for _ in range(plan.people):
            person = self.person()
            self.people.append(person)
            if rng.random() < 0.1:
                kind, title = OFFICER_ROLES[rng.randrange(len(OFFICER_ROLES))]
                self.relationship(person, kind, self.companies[rng.randrange(len(self.companies))], title)

    def company(self, group=None):
        rng = self.rng
        first = group or words.COMPANY_WORDS[rng.randrange(len(words.COMPANY_WORDS))]
        second = words.COMPANY_WORDS[rng.randrange(len(words.COMPANY_WORDS))]
        sector = words.COMPANY_SECTORS[rng.randrange(len(words.COMPANY_SECTORS))]
        suffix = words.COMPANY_SUFFIXES[rng.randrange(len(words.COMPANY_SUFFIXES))]
        number = len(self.name)
        slug = f"{self.builder.prefix}{first}-{second}-{sector}-{SUFFIX_SLUGS[suffix]}-{number}".lower()
        entity_id = self.add(
            f"{first} {second} {sector} {suffix}", slug, EntityKind.COMPANY, self.company_countries.draw(rng)
        )
        self.companies.append(entity_id)
        return entity_id

    def person(self):
        rng = self.rng
        first = words.FIRST_NAMES[rng.randrange(len(words.FIRST_NAMES))]
        last = words.LAST_NAMES[rng.randrange(len(words.LAST_NAMES))]
        number = len(self.name)
        return self.add(
            f"{first} {last}",
            f"{self.builder.prefix}{first}-{last}-{number}".lower(),
            EntityKind.PERSON,
            self.person_countries.draw(rng),
        )

    def relationship(self, subject, kind, obj, title):
        """A dated relationship and its start/end events, as events.relationship_specs words them."""
        builder, rng = self.builder, self.rng
        relationship_id = builder.new_id("relationship")
        start = end = None
        if rng.random() < 0.6:
            start = builder.random_day()
            if rng.random() < 0.1:
                end = min(start + rng.randint(200, 3000), builder.last_day)
        start_precision = "year" if start and rng.random() < 0.2 else "day"
        if start and start_precision == "year":
            start = datetime.date(datetime.date.fromordinal(start).year, 1, 1).toordinal()
        date = builder.date
        builder.out["relationship"].append(
            (
                relationship_id,
                subject,
                kind,
                obj,
                title,
                date(start) if start else None,
                start_precision,
                date(end) if end else None,
                "day",
                None,
                "",
            )
        )
        source = builder.news_source()
        builder.out["relationship_sources"].append((relationship_id, source))
        role = title or KIND_LABELS[kind]
        base = f"{self.slug[subject]}-{kind}-{self.slug[obj]}".replace("_", "-")
        names = (self.name[subject], self.name[obj])
        for fact_field, day, precision, verb, suffix in (
            (FactField.RELATIONSHIP_START, start, start_precision, "becomes", "start"),
            (FactField.RELATIONSHIP_END, end, "day", "ceases to be", "end"),
        ):
            if day:
                builder.events.mirror(
                    fact_field,
                    "relationship_id",
                    relationship_id,
                    f"{base}-{suffix}",
                    day,
                    precision,
                    EventType.RELATIONSHIP,
                    f"{names[0]} {verb} {role} ({names[1]})",
                    None,
                    {subject, obj},
                    [source],
                )

    # draws used per action
    def draw_authority(self):
        return self.authorities[self.authority_sampler.draw(self.rng)]

    def draw_party(self):
        rng = self.rng
        if rng.random() < self.plan.repeat_share:
            return self.offenders[self.offender_sampler.draw(rng)]
        if rng.random() < 0.55:
            return self.companies[rng.randrange(len(self.companies))]
        return self.people[rng.randrange(len(self.people))]

    def draw_court(self):
        return self.courts[self.rng.randrange(len(self.courts))]

    def draw_judge(self):
        return self.judges[self.rng.randrange(len(self.judges))]
