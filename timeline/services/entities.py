"""Entity writes: an entity with its aliases and outside identifiers."""

from django.db import transaction

from timeline.models import Entity, EntityAlias, EntityIdentifier
from timeline.services.nested import ErrorList, InvalidWrite, assign, clean_errors

ENTITY_FIELDS = ("slug", "name", "kind", "country", "parent", "description")


@transaction.atomic
def entity_write(entity, data, partial=False):
    """Create (``entity`` None) or update an entity from ``data``; returns it.

    ``aliases`` (names) and ``identifiers`` (``{"scheme", "value"}``) are values, not records with
    an identity of their own: given, they replace the stored ones in a PATCH (``partial``) as in a
    PUT. Raises InvalidWrite with every error; nothing is saved then.
    """
    entity = assign(entity or Entity(), data, ENTITY_FIELDS)
    errors = clean_errors(entity)
    if errors:
        raise InvalidWrite(errors)
    entity.save()
    if "sources" in data:
        entity.sources.set(data["sources"])
    if "aliases" in data:
        alias_errors = _write_aliases(entity, data["aliases"])
        if alias_errors:
            errors["aliases"] = alias_errors.errors
    if "identifiers" in data:
        identifier_errors = _write_identifiers(entity, data["identifiers"])
        if identifier_errors:
            errors["identifiers"] = identifier_errors.errors
    if errors:
        raise InvalidWrite(errors)
    return entity


def _write_aliases(entity, names):
    stored = {alias.alias for alias in EntityAlias.objects.filter(entity=entity)}
    EntityAlias.objects.filter(entity=entity).exclude(alias__in=names).delete()
    errors = ErrorList()
    for position, name in enumerate(names):
        if name in stored:
            continue
        alias = EntityAlias(entity=entity, alias=name)
        problems = clean_errors(alias)
        if problems:
            errors.add(position, problems)
        else:
            alias.save()
            stored.add(name)
    return errors


def _write_identifiers(entity, items):
    stored = {(i.scheme, i.value) for i in EntityIdentifier.objects.filter(entity=entity)}
    wanted = {(item["scheme"], item["value"]) for item in items}
    for scheme, value in stored - wanted:
        EntityIdentifier.objects.filter(entity=entity, scheme=scheme, value=value).delete()
    errors = ErrorList()
    for position, item in enumerate(items):
        if (item["scheme"], item["value"]) in stored:
            continue
        identifier = EntityIdentifier(entity=entity, scheme=item["scheme"], value=item["value"])
        problems = clean_errors(identifier)
        if problems:
            errors.add(position, problems)
        else:
            identifier.save()
            stored.add((item["scheme"], item["value"]))
    return errors
