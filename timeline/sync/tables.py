"""The public tables: the only ones the change feed and the bulk releases read.

A whitelist, on purpose: a table added to the project (screening, webhooks, accounts) stays out of
every public file until it is named here. ``tests/test_sync_public.py`` checks every table of the
database against it. Derived tables (the penalty totals, the data version) and the audit trail
(``timeline_historical*``, which names the staff who made each change) are left out.
"""

import functools

from django.apps import apps

PUBLIC_MODELS = (
    "timeline.source",
    "timeline.entity",
    "timeline.entityalias",
    "timeline.entityidentifier",
    "timeline.case",
    "timeline.statute",
    "timeline.enforcementaction",
    "timeline.actionparty",
    "timeline.charge",
    "timeline.chargestatute",
    "timeline.settlement",
    "timeline.settlementcomponent",
    "timeline.credit",
    "timeline.monitor",
    "timeline.restriction",
    "timeline.sentence",
    "timeline.pardonrequest",
    "timeline.pardonstatuschange",
    "timeline.entityrelationship",
    "timeline.event",
)


@functools.cache
def public_models():
    return tuple(apps.get_model(label) for label in PUBLIC_MODELS)


def public_model(label):
    """The public model with this label, or None."""
    return {model._meta.label_lower: model for model in public_models()}.get(label)


@functools.cache
def many_to_many_tables():
    """Auto-created many-to-many tables of the public models: (table, owner model, owner id column).

    Their rows are part of the owner's record (its ``sources``, say), so a change to one is a change
    of the owner.
    """
    found = []
    for model in public_models():
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                column = through._meta.get_field(field.m2m_field_name()).column
                found.append((through._meta.db_table, model, column))
    return tuple(found)


@functools.cache
def public_tables():
    """Every database table a public file may hold: the public models' and their many-to-many tables."""
    tables = [model._meta.db_table for model in public_models()]
    tables += [table for table, _, _ in many_to_many_tables()]
    return tuple(tables)
