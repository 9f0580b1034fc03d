"""What the editor format holds: the timeline models, their writable fields, and the order they load in.

The format is Django's fixture format with natural keys and no primary keys, so the rules here
follow Django's serializers: foreign keys and many-to-many values are natural-key lists, and a
many-to-many relation with its own through model is written as records of that model.
"""

import functools
import inspect

from django.apps import apps
from django.core.serializers import sort_dependencies
from django.db import models
from simple_history.models import HistoricalChanges

from timeline.models import DataVersion, PenaltyTotal, Source

APP_LABEL = "timeline"
RECORD_KEYS = {"model", "fields"}


@functools.cache
def editor_models():
    """Timeline models editors write, each after every model it references (self-references aside).

    Audit trails, the penalty totals and the data version are derived from the records, never
    written by editors.
    """
    app = apps.get_app_config(APP_LABEL)
    derived = (PenaltyTotal, DataVersion)
    wanted = [model for model in app.get_models() if not issubclass(model, HistoricalChanges) and model not in derived]
    return tuple(sort_dependencies([(app, wanted)]))


@functools.cache
def models_by_label():
    return {model._meta.label_lower: model for model in editor_models()}


def is_bookkeeping(field):
    """Timestamps the database keeps; files carry them only so that plain loaddata works."""
    return getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)


@functools.cache
def bookkeeping_fields(model):
    return tuple(field for field in model._meta.concrete_fields if is_bookkeeping(field))


@functools.cache
def value_fields(model):
    """Concrete, non-relational fields an editor sets, by name."""
    return {
        field.name: field
        for field in model._meta.concrete_fields
        if not field.primary_key and not field.is_relation and not is_bookkeeping(field)
    }


@functools.cache
def foreign_keys(model):
    return {field.name: field for field in model._meta.concrete_fields if field.many_to_one}


@functools.cache
def many_to_many(model):
    """Many-to-many fields written on the record itself (auto-created through tables only)."""
    return {field.name: field for field in model._meta.many_to_many if field.remote_field.through._meta.auto_created}


@functools.cache
def through_records(model):
    """Many-to-many fields written as records of their own through model, e.g. charge statutes."""
    return {
        field.name: field.remote_field.through
        for field in model._meta.many_to_many
        if not field.remote_field.through._meta.auto_created
    }


@functools.cache
def natural_key_names(model):
    """Parameter names of the manager's get_by_natural_key: what a reference to ``model`` lists."""
    signature = inspect.signature(model._default_manager.get_by_natural_key)
    return tuple(signature.parameters)


def self_references(model):
    return [name for name, field in foreign_keys(model).items() if field.related_model is model]


@functools.cache
def citation_field(model):
    """The ``sources`` relation that must hold at least one source, or None where citing is optional."""
    field = many_to_many(model).get("sources")
    if field is not None and field.related_model is Source and not field.blank:
        return field
    return None


def field_names(model):
    return [*value_fields(model), *foreign_keys(model), *many_to_many(model)]


def normalize_key(key):
    """Natural keys compare as strings: ["action", 1] in a file matches ("action", 1) from the model."""
    return tuple("" if part is None else str(part) for part in key)


def is_text(field):
    return isinstance(field, models.CharField | models.TextField)


def is_integer(field):
    return isinstance(field, models.IntegerField)
