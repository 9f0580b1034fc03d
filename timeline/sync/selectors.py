"""Reads of the change feed: pages of the change log in commit order, with each record as it is now."""

import json
import re
from collections import defaultdict
from dataclasses import dataclass

from django.core import serializers
from django.db.models import Max

from timeline.sync.models import Change, FeedHorizon
from timeline.sync.tables import public_model

TOKEN_PATTERN = re.compile(r"[0-9]{1,18}")


class MalformedToken(ValueError):
    """A ``since`` token that no feed answer ever gave out."""


class ExpiredToken(LookupError):
    """A ``since`` token older than the changes the feed keeps (they were pruned)."""


@dataclass
class FeedPage:
    changes: list
    records: dict
    next_token: str
    has_more: bool


def parse_token(token):
    """The position a token names; an empty token is the start of the feed."""
    if token in (None, ""):
        return 0
    if not TOKEN_PATTERN.fullmatch(token):
        raise MalformedToken(token)
    return int(token)


def feed_horizon():
    """The last position pruned (0 when nothing was): the feed answers only tokens at or after it."""
    return FeedHorizon.objects.filter(pk=1).values_list("position", flat=True).first() or 0


def latest_token():
    """The token of the last committed change, where a reader starting now begins (0 on an empty log)."""
    return str(Change.objects.filter(position__isnull=False).aggregate(last=Max("position"))["last"] or 0)


def editor_records(model, ids):
    """The records (by id) in the editor format ``export_timeline`` writes: natural keys, no primary keys."""
    fields = [field.name for field in model._meta.concrete_fields if field.many_to_one]
    objects = list(
        model._default_manager.filter(pk__in=ids)
        .select_related(*fields)
        .prefetch_related(*[field.name for field in model._meta.many_to_many])
        .order_by("pk")
    )
    text = serializers.serialize("json", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True)
    return {obj.pk: record for obj, record in zip(objects, json.loads(text), strict=True)}


def changes_page(token, limit):
    """Up to ``limit`` changes after the token, in commit order, and each record's current form.

    A record changed again later shows its latest form already, and its later change follows; a
    record deleted since has none (``records`` lacks it), so replaying the feed in order always
    ends at the current data.
    """
    position = parse_token(token)
    if position < feed_horizon():
        raise ExpiredToken(token)
    changes = list(Change.objects.filter(position__gt=position).order_by("position")[: limit + 1])
    has_more = len(changes) > limit
    changes = changes[:limit]
    wanted = defaultdict(set)
    for change in changes:
        wanted[change.model].add(change.row_id)
    records = {}
    for label, ids in wanted.items():
        model = public_model(label)
        if model is not None:
            for pk, record in editor_records(model, ids).items():
                records[(label, pk)] = record
    next_token = str(changes[-1].position) if changes else str(position)
    return FeedPage(changes=changes, records=records, next_token=next_token, has_more=has_more)
