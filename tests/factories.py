"""factory_boy factories for every model; tests build their data here, never by primary key."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.utils.text import slugify

from timeline import models


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source
        django_get_or_create = ("key",)

    key = factory.Sequence(lambda n: f"source-{n}")
    url = factory.LazyAttribute(lambda o: f"https://example.org/{o.key}")
    title = factory.Sequence(lambda n: f"Release number {n}")
    publisher = "U.S. Department of Justice"
    published_on = datetime.date(2023, 11, 21)
    kind = models.SourceKind.AGENCY_RELEASE


class SourcedFactory(factory.django.DjangoModelFactory):
    """Adds one source to every fact unless the test passes ``sources=[...]``."""

    class Meta:
        abstract = True
        skip_postgeneration_save = True

    @factory.post_generation
    def sources(self, create, extracted, **kwargs):
        if not create:
            return
        self.sources.set(extracted if extracted is not None else [SourceFactory()])


class EntityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Entity
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Example Holdings {n} Ltd.")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = models.EntityKind.COMPANY
    country = "KY"


class PersonFactory(EntityFactory):
    name = factory.Sequence(lambda n: f"Person Number{n}")
    kind = models.EntityKind.PERSON
    country = "CA"


class AuthorityFactory(EntityFactory):
    name = factory.Sequence(lambda n: f"Authority {n}")
    kind = models.EntityKind.AUTHORITY
    country = "US"


class CourtFactory(EntityFactory):
    name = factory.Sequence(lambda n: f"U.S. District Court {n}")
    kind = models.EntityKind.COURT
    country = "US"


class EntityAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.EntityAlias

    entity = factory.SubFactory(EntityFactory)
    alias = factory.Sequence(lambda n: f"Alias {n}")


class EntityIdentifierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.EntityIdentifier

    entity = factory.SubFactory(EntityFactory)
    scheme = models.IdentifierScheme.WIKIDATA
    value = factory.Sequence(lambda n: f"Q{1000 + n}")


class EntityRelationshipFactory(SourcedFactory):
    class Meta:
        model = models.EntityRelationship

    subject = factory.SubFactory(PersonFactory)
    kind = models.RelationshipKind.CEO_OF
    object = factory.SubFactory(EntityFactory)


class CaseFactory(SourcedFactory):
    class Meta:
        model = models.Case

    slug = factory.Sequence(lambda n: f"case-{n}")
    title = factory.Sequence(lambda n: f"Matter number {n}")


class StatuteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Statute
        django_get_or_create = ("citation",)

    citation = factory.Sequence(lambda n: f"31 U.S.C. § {5300 + n}")
    title = "Bank Secrecy Act"


class EnforcementActionFactory(SourcedFactory):
    class Meta:
        model = models.EnforcementAction

    slug = factory.Sequence(lambda n: f"action-{n}")
    case = factory.SubFactory(CaseFactory)
    authority = factory.SubFactory(AuthorityFactory)
    action_type = models.ActionType.CRIMINAL
    caption = factory.Sequence(lambda n: f"United States v. Defendant {n}")
    court = factory.SubFactory(CourtFactory)
    docket_number = factory.Sequence(lambda n: f"1:23-cr-{n:05d}")
    status = models.ActionStatus.PENDING
    filed_on = datetime.date(2023, 3, 27)


class ActionPartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ActionParty

    action = factory.SubFactory(EnforcementActionFactory)
    entity = factory.SubFactory(EntityFactory)
    role = models.PartyRole.DEFENDANT


class ChargeFactory(SourcedFactory):
    class Meta:
        model = models.Charge

    action = factory.SubFactory(EnforcementActionFactory)
    number = factory.Sequence(lambda n: n + 1)
    description = "Failure to maintain an effective anti-money-laundering program"


class SettlementFactory(SourcedFactory):
    class Meta:
        model = models.Settlement

    slug = factory.Sequence(lambda n: f"settlement-{n}")
    action = factory.SubFactory(EnforcementActionFactory)
    kind = models.SettlementKind.PLEA_AGREEMENT
    title = factory.Sequence(lambda n: f"Plea agreement {n}")
    agreed_on = datetime.date(2023, 11, 21)


class SettlementComponentFactory(SourcedFactory):
    class Meta:
        model = models.SettlementComponent

    key = factory.Sequence(lambda n: f"component-{n}")
    settlement = factory.SubFactory(SettlementFactory)
    payer = factory.SubFactory(EntityFactory)
    kind = models.ComponentKind.CRIMINAL_FINE
    amount = Decimal("1000000.00")
    currency = "USD"


class CreditFactory(SourcedFactory):
    class Meta:
        model = models.Credit

    key = factory.Sequence(lambda n: f"credit-{n}")
    component = factory.SubFactory(SettlementComponentFactory)
    kind = models.CreditKind.CREDITED
    amount = Decimal("100000.00")
    currency = "USD"


class PenaltyTotalFactory(factory.django.DjangoModelFactory):
    """A row of the derived totals table, for tests of its constraints (the records keep it otherwise)."""

    class Meta:
        model = models.PenaltyTotal

    authority = factory.SubFactory(AuthorityFactory)
    year = 2023
    currency = "USD"
    gross = Decimal("100.00")
    components = 1


class DataVersionFactory(factory.django.DjangoModelFactory):
    """The single data-version row (the triggers keep it; a table emptied by TRUNCATE has none)."""

    class Meta:
        model = models.DataVersion
        django_get_or_create = ("id",)

    id = 1
    version = 1


class MonitorFactory(SourcedFactory):
    class Meta:
        model = models.Monitor

    key = factory.Sequence(lambda n: f"monitor-{n}")
    settlement = factory.SubFactory(SettlementFactory)
    term_months = 36


class RestrictionFactory(SourcedFactory):
    class Meta:
        model = models.Restriction

    key = factory.Sequence(lambda n: f"restriction-{n}")
    settlement = factory.SubFactory(SettlementFactory)
    subject = factory.SubFactory(PersonFactory)
    kind = models.RestrictionKind.BAR
    scope = "Any involvement in operating or managing the business"
    is_permanent = True


class SentenceFactory(SourcedFactory):
    class Meta:
        model = models.Sentence

    action = factory.SubFactory(EnforcementActionFactory)
    defendant = factory.SubFactory(PersonFactory)
    sentenced_on = datetime.date(2024, 4, 30)
    custody_months = 4


class PardonRequestFactory(SourcedFactory):
    class Meta:
        model = models.PardonRequest

    slug = factory.Sequence(lambda n: f"pardon-{n}")
    person = factory.SubFactory(PersonFactory)
    kind = models.ClemencyKind.PARDON
    status = models.ClemencyStatus.REQUESTED


class PardonStatusChangeFactory(SourcedFactory):
    class Meta:
        model = models.PardonStatusChange

    key = factory.Sequence(lambda n: f"pardon-step-{n}")
    pardon_request = factory.SubFactory(PardonRequestFactory)
    status = models.ClemencyStatus.REQUESTED
    date = datetime.date(2025, 4, 1)
    description = "A petition was filed."


class EventFactory(SourcedFactory):
    class Meta:
        model = models.Event

    key = factory.Sequence(lambda n: f"event-{n}")
    date = datetime.date(2025, 3, 13)
    event_type = models.EventType.PRESS_REPORT
    title = factory.Sequence(lambda n: f"Report number {n}")
    case = factory.SubFactory(CaseFactory)

    @factory.post_generation
    def entities(self, create, extracted, **kwargs):
        if create and extracted:
            self.entities.set(extracted)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class StaffUserFactory(UserFactory):
    is_staff = True


class SuperUserFactory(UserFactory):
    is_staff = True
    is_superuser = True
