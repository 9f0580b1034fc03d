"""Reads the inbox needs: which timeline entity a party name probably is, and the names to look for."""

from django.db.models import Q

from timeline.models import Entity, EntityAlias, EntityKind
from timeline.watch.extraction import name_key

PARTY_KINDS = (EntityKind.PERSON, EntityKind.COMPANY, EntityKind.ORGANIZATION)


def known_party_names():
    """Names and aliases of the people and companies timeline holds, for finding them in a release."""
    names = set(Entity.objects.filter(kind__in=PARTY_KINDS).values_list("name", flat=True))
    names |= set(EntityAlias.objects.filter(entity__kind__in=PARTY_KINDS).values_list("alias", flat=True))
    return sorted(name for name in names if len(name) >= 3)


def entity_matches(names):
    """For each name, the entities it probably is: same name or alias, ignoring legal form and case.

    One query for every name: the candidates are read by the first word and compared in Python.
    """
    keys = {name: name_key(name) for name in names}
    firsts = {key.split()[0] for key in keys.values() if key}
    if not firsts:
        return {name: [] for name in names}
    condition = Q()
    for first in firsts:
        condition |= Q(name__istartswith=first) | Q(aliases__alias__istartswith=first)
    candidates = (
        Entity.objects.filter(condition, kind__in=PARTY_KINDS).prefetch_related("aliases").distinct().order_by("name")
    )
    matches = {name: [] for name in names}
    for entity in candidates:
        entity_keys = {name_key(entity.name)} | {name_key(alias.alias) for alias in entity.aliases.all()}
        for name, key in keys.items():
            if key and key in entity_keys:
                matches[name].append(entity)
    return matches
