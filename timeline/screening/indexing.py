"""The name index (NameKey rows) of the entities a screening can match, kept in line with their names.

Only people, companies and other organisations are screened: authorities and courts bring
actions, they are not their subjects. Receivers on Entity, EntityAlias and EntityIdentifier
rewrite one entity's keys after each write (loaddata included); ``screening_reindex`` rebuilds
them all after bulk loads that bypass signals.
"""

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from timeline.models import Entity, EntityAlias, EntityIdentifier, EntityKind
from timeline.screening.models import NameKey, NameKeyKind
from timeline.screening.names import deletion_keys, name_forms, normalise_identifier, phonetic_key

SCREENED_KINDS = (EntityKind.PERSON, EntityKind.COMPANY, EntityKind.ORGANIZATION)
BATCH = 2000


def entity_keys(entity_id, names, identifiers):
    """The NameKey rows of one entity with these names (name and aliases) and identifier values."""
    keys = set()
    for name in names:
        for form in name_forms(name):
            keys.add((NameKeyKind.NAME, " ".join(form)[:255]))
            for token in form:
                keys.add((NameKeyKind.TOKEN, token[:255]))
                if code := phonetic_key(token):
                    keys.add((NameKeyKind.PHONETIC, code[:255]))
                keys.update((NameKeyKind.DELETION, key[:255]) for key in deletion_keys(token))
    for value in identifiers:
        if compact := normalise_identifier(value):
            keys.add((NameKeyKind.IDENTIFIER, compact[:255]))
    return [NameKey(entity_id=entity_id, kind=kind, key=key) for kind, key in sorted(keys)]


def _rows_for(entities):
    aliases, identifiers = {}, {}
    ids = [entity.pk for entity in entities]
    for entity_id, alias in EntityAlias.objects.filter(entity_id__in=ids).values_list("entity_id", "alias"):
        aliases.setdefault(entity_id, []).append(alias)
    for entity_id, value in EntityIdentifier.objects.filter(entity_id__in=ids).values_list("entity_id", "value"):
        identifiers.setdefault(entity_id, []).append(value)
    rows = []
    for entity in entities:
        if entity.kind in SCREENED_KINDS:
            names = [entity.name, *aliases.get(entity.pk, [])]
            rows.extend(entity_keys(entity.pk, names, identifiers.get(entity.pk, [])))
    return rows


@transaction.atomic
def name_index_refresh(entity_ids):
    """Rewrite the keys of these entities from their current names, aliases and identifiers."""
    entities = list(Entity.objects.filter(pk__in=entity_ids).only("pk", "name", "kind"))
    NameKey.objects.filter(entity_id__in=entity_ids).delete()
    NameKey.objects.bulk_create(_rows_for(entities), batch_size=BATCH)


@transaction.atomic
def name_index_rebuild(progress=None):
    """Rewrite every key, in batches of entities; returns the number of keys written."""
    NameKey.objects.all().delete()
    written = 0
    queryset = Entity.objects.filter(kind__in=SCREENED_KINDS).only("pk", "name", "kind").order_by("pk")
    last = 0
    while batch := list(queryset.filter(pk__gt=last)[:BATCH]):
        rows = _rows_for(batch)
        NameKey.objects.bulk_create(rows, batch_size=BATCH)
        written += len(rows)
        last = batch[-1].pk
        if progress:
            progress(len(batch))
    if connection.vendor == "postgresql":
        # Fresh statistics, or the planner misjudges the key lookups right after a rebuild.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {NameKey._meta.db_table}")
    return written


def _refresh_entity(sender, instance, **kwargs):
    entity_id = instance.pk if sender is Entity else instance.entity_id
    if (
        sender is not Entity
        and kwargs.get("signal") is post_delete
        and not Entity.objects.filter(pk=entity_id).exists()
    ):
        return  # the entity itself is being deleted; its keys go with it (CASCADE)
    if sender is Entity and kwargs.get("signal") is post_delete:
        return
    name_index_refresh([entity_id])


def name_index_connect():
    for model in (Entity, EntityAlias, EntityIdentifier):
        post_save.connect(_refresh_entity, sender=model, dispatch_uid=f"screening.index.save.{model.__name__}")
        post_delete.connect(_refresh_entity, sender=model, dispatch_uid=f"screening.index.delete.{model.__name__}")
