"""The admin's audit trail ("History"): many-to-many changes named by slug or key, read once per page.

django-simple-history diffs the many-to-many snapshots entry by entry (queries per field for every
row of the page) and shows through rows; here each field is read once for the whole page, and a
past version's form shows the related records that version held rather than today's.
"""

from itertools import pairwise

from simple_history.models import ModelChange, ModelDelta, to_historic
from simple_history.template_utils import HistoricalRecordContextHelper

from timeline.selectors.history import relation_changes
from timeline.selectors.history_relations import relation_fields, relation_ids, relation_snapshots


class NamedRelationsHelper(HistoricalRecordContextHelper):
    """Formats many-to-many changes whose values are already lists of names."""

    def prepare_delta_change_value(self, change, value):
        if self.model._meta.get_field(change.field).many_to_many:
            return value
        return super().prepare_delta_change_value(change, value)


class VersionRelationsForm:
    """Form mixin: on a past version, the many-to-many fields hold what that version held."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        version = to_historic(self.instance)
        if version is None or self.is_bound:
            return
        for field in relation_fields(type(version)):
            if field.name in self.fields:
                self.initial[field.name] = relation_ids(version, field)


class AuditTrailAdminMixin:
    """History page and version view of a ModelAdmin whose model tracks many-to-many fields."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if obj is not None and to_historic(obj) is not None:
            return type(form.__name__, (VersionRelationsForm, form), {})
        return form

    def get_historical_record_context_helper(self, request, historical_record):
        return NamedRelationsHelper(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        """Diff each entry against the older one below it on the page, as django-simple-history does."""
        records = list(historical_records)
        if not records:
            return
        snapshots = relation_snapshots(records)
        excluded = [field.name for field in relation_fields(type(records[0]))]
        for record, before in pairwise(records):
            delta = record.diff_against(before, excluded_fields=excluded, foreign_keys_are_objs=foreign_keys_are_objs)
            relations = [ModelChange(c.field, c.old, c.new) for c in relation_changes(record, before, snapshots)]
            changes = sorted([*delta.changes, *relations], key=lambda change: change.field)
            delta = ModelDelta(changes, [change.field for change in changes], before, record)
            helper = self.get_historical_record_context_helper(request, record)
            record.history_delta_changes = helper.context_for_delta_changes(delta)
