"""From parsed records to planned writes: model, typed values, resolved references, natural key.

Reads the database only to find the records that references and natural keys point at; writes
nothing. Every problem found is kept on its record, so one pass reports them all.
"""

import datetime
import difflib
import json
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models

from timeline.services.loader.reporting import Problem, format_key
from timeline.services.loader.schema import (
    RECORD_KEYS,
    bookkeeping_fields,
    editor_models,
    field_names,
    foreign_keys,
    is_integer,
    is_text,
    many_to_many,
    models_by_label,
    natural_key_names,
    normalize_key,
    self_references,
    through_records,
    value_fields,
)


@dataclass(eq=False)
class Ref:
    """A natural-key reference from a record's field to a record in this load or in the database."""

    field: str
    model: type
    raw: list
    key: tuple
    target: object = None

    @property
    def instance(self):
        """The referenced model instance (unsaved while its record is not yet written)."""
        return self.target.instance if isinstance(self.target, Planned) else self.target


@dataclass(eq=False)
class Planned:
    """One record of the input on its way to the database, with every problem found on it."""

    raw: object
    model: type | None = None
    values: dict = field(default_factory=dict)
    fks: dict = field(default_factory=dict)
    m2m: dict = field(default_factory=dict)
    bad_fields: set = field(default_factory=set)
    key: tuple | None = None
    instance: models.Model | None = None
    existing: bool = False
    skip: bool = False
    issues: list = field(default_factory=list)

    @property
    def label(self):
        if self.model is not None:
            return self.model._meta.label_lower
        data = self.raw.data
        return data.get("model") if isinstance(data, dict) and isinstance(data.get("model"), str) else None

    @property
    def given(self):
        return {*self.values, *self.fks, *self.m2m, *self.bad_fields}

    def issue(self, message, field_name=None):
        self.issues.append((field_name, message))

    def problems(self):
        return [
            Problem(
                self.raw.file,
                message,
                index=self.raw.index,
                line=self.raw.line,
                model=self.label,
                key=self.key,
                field=field_name,
            )
            for field_name, message in self.issues
        ]

    def location(self):
        line = f", line {self.raw.line}" if self.raw.line else ""
        return f"record {self.raw.index} of {self.raw.file}{line}"


class ExistingRows:
    """Rows already in the database by model and natural key, each model read in one query."""

    def __init__(self):
        self._rows = {}

    def get(self, model, key):
        rows = self._rows.get(model)
        if rows is None:
            rows = {normalize_key(obj.natural_key()): obj for obj in model._default_manager.select_related()}
            self._rows[model] = rows
        return rows.get(key)


def describe(value):
    """A value as it reads in a file; numbers parsed as Decimal stay unquoted."""
    if isinstance(value, Decimal):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def json_type_error(model_field, value):
    """Why a JSON/YAML value cannot be the value of ``model_field``, or None. to_python is too lenient:
    it turns true into "True" for text and truncates 4.5 to 4 for integers."""
    if value is None:
        return None
    if isinstance(value, list | dict):
        return f"wrong type: expected a single value, got {'a list' if isinstance(value, list) else 'an object'}"
    if isinstance(model_field, models.BooleanField):
        return None if isinstance(value, bool) else f"wrong type: expected true or false, got {describe(value)}"
    if isinstance(value, bool):
        return f"wrong type: expected {'text' if is_text(model_field) else 'a value'}, got {describe(value)}"
    if is_text(model_field) and not isinstance(value, str):
        return f"wrong type: expected text, got {describe(value)}"
    if is_integer(model_field) and isinstance(value, Decimal | float) and value != int(value):
        return f"wrong type: expected a whole number, got {describe(value)}"
    if isinstance(model_field, models.DateField) and not isinstance(value, str | datetime.date):
        return f"wrong type: expected a date as text (YYYY-MM-DD), got {describe(value)}"
    return None


class Planner:
    """Reads records into Planned objects and resolves their references in dependency order.

    ``self_contained``: references must resolve within the load (a fixture set that must stand alone).
    ``require_timestamps``: records must carry the timestamps plain ``loaddata`` cannot fill in.
    """

    def __init__(self, *, self_contained=False, require_timestamps=False):
        self.self_contained = self_contained
        self.require_timestamps = require_timestamps
        self.existing = ExistingRows()
        self.index = {}

    def plan(self, raw_records):
        planned = [self._read(raw) for raw in raw_records]
        by_model = defaultdict(list)
        for record in planned:
            if record.model is not None and not record.skip:
                by_model[record.model].append(record)
        for model in editor_models():
            group = by_model.get(model, [])
            own = set(self_references(model))
            for record in group:
                for name, ref in record.fks.items():
                    if ref is not None and name not in own:
                        self._resolve(record, ref)
                self._identify(record, own)
            for record in group:
                for name in own:
                    if record.fks.get(name) is not None:
                        self._resolve(record, record.fks[name])
                for refs in record.m2m.values():
                    for ref in refs:
                        self._resolve(record, ref)
        return planned

    def _read(self, raw):
        record = Planned(raw)
        data = raw.data
        if not isinstance(data, dict):
            record.issue(f"expected a record (an object with 'model' and 'fields'), got {describe(data)[:60]}")
            record.skip = True
            return record
        if "pk" in data:
            record.issue("records are matched by natural key: remove 'pk'")
        unknown = sorted(set(data) - RECORD_KEYS - {"pk"})
        if unknown:
            record.issue(f"unknown key(s) {', '.join(unknown)}: a record has only 'model' and 'fields'")
        label = data.get("model")
        model = models_by_label().get(label.lower()) if isinstance(label, str) else None
        if model is None:
            close = difflib.get_close_matches(str(label).lower(), list(models_by_label()), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            record.issue(f"unknown model {describe(label)}{hint}" if label is not None else "'model' is missing")
            record.skip = True
            return record
        record.model = model
        fields = data.get("fields")
        if not isinstance(fields, dict):
            record.issue("'fields' is missing or not an object")
            fields = {}
        for name, value in fields.items():
            self._read_field(record, name, value)
        if self.require_timestamps:
            for stamp in bookkeeping_fields(model):
                if stamp.name not in fields:
                    record.issue(
                        "missing: plain loaddata cannot fill automatic timestamps, so fixture records state them "
                        '(e.g. "2025-01-01T00:00:00Z")',
                        stamp.name,
                    )
        return record

    def _read_field(self, record, name, value):
        model = record.model
        if name in value_fields(model):
            model_field = value_fields(model)[name]
            error = json_type_error(model_field, value)
            if error is None:
                try:
                    record.values[name] = model_field.to_python(value)
                    return
                except ValidationError as invalid:
                    error = "invalid value: " + " ".join(invalid.messages)
            record.issue(error, name)
            record.bad_fields.add(name)
        elif name in foreign_keys(model):
            if value is None:
                record.fks[name] = None
                return
            ref = self._reference(record, name, foreign_keys(model)[name].related_model, value)
            if ref is None:
                record.bad_fields.add(name)
            else:
                record.fks[name] = ref
        elif name in many_to_many(model):
            target = many_to_many(model)[name].related_model
            if not isinstance(value, list):
                record.issue(f"expected a list of {target._meta.label_lower} natural keys, got {describe(value)}", name)
                record.bad_fields.add(name)
                return
            refs = [self._reference(record, name, target, item) for item in value]
            if None in refs:
                record.bad_fields.add(name)
            else:
                record.m2m[name] = refs
        else:
            self._unknown_field(record, name, value)

    def _unknown_field(self, record, name, value):
        model = record.model
        stamps = {stamp.name: stamp for stamp in bookkeeping_fields(model)}
        if name in stamps:
            error = json_type_error(stamps[name], value)
            try:
                stamps[name].to_python(value)
            except ValidationError as invalid:
                error = error or "invalid value: " + " ".join(invalid.messages)
            if error:
                record.issue(error, name)
            return
        if name in through_records(model):
            through = through_records(model)[name]._meta.label_lower
            record.issue(f"not written on the record: list them as {through} records", name)
        elif name in ("id", "pk") or (name.endswith("_id") and name[:-3] in foreign_keys(model)):
            record.issue("records and references use natural keys, not database ids", name)
        else:
            close = difflib.get_close_matches(name, field_names(model), n=1)
            hint = f"did you mean '{close[0]}'?" if close else f"fields are {', '.join(field_names(model))}"
            record.issue(f"unknown field of {model._meta.label_lower}; {hint}", name)

    def _reference(self, record, name, model, value):
        names = natural_key_names(model)
        label = model._meta.label_lower
        if not isinstance(value, list) or not value or any(isinstance(part, list | dict | bool) for part in value):
            record.issue(
                f"expected a natural key of {label} as a list {format_key(names)}, got {describe(value)}", name
            )
            return None
        if len(value) != len(names):
            record.issue(
                f"a natural key of {label} has {len(names)} value(s) {format_key(names)}, got {describe(value)}", name
            )
            return None
        return Ref(name, model, value, normalize_key(value))

    def _resolve(self, record, ref):
        target = self.index.get((ref.model, ref.key))
        if target is None and not self.self_contained:
            target = self.existing.get(ref.model, ref.key)
        if target is None:
            where = "in the files loaded" if self.self_contained else "in the files loaded or in the database"
            record.issue(
                f"dangling reference: no {ref.model._meta.label_lower} {format_key(ref.raw)} {where}", ref.field
            )
            return
        ref.target = target

    def _identify(self, record, own):
        """Compute the natural key, catch duplicates, and match the record to an existing row."""
        model = record.model
        probe = model(**record.values)
        for name, ref in record.fks.items():
            if name in own:
                continue
            if ref is None:
                setattr(probe, name, None)
            elif ref.target is not None:
                setattr(probe, name, ref.instance)
        try:
            key = probe.natural_key()
        except (ObjectDoesNotExist, AttributeError):
            key = None
        if key is None or any(part is None or part == "" for part in key):
            if not any(field_name in record.fks or field_name in record.bad_fields for field_name, _ in record.issues):
                record.issue(
                    f"cannot tell which record this is: its natural key {format_key(natural_key_names(model))} "
                    "is incomplete"
                )
            record.skip = True
            return
        record.key = key
        normalized = normalize_key(key)
        first = self.index.get((model, normalized))
        if first is not None:
            record.issue(f"duplicate natural key: the same {record.label} is {first.location()}")
            record.skip = True
            return
        self.index[(model, normalized)] = record
        row = self.existing.get(model, normalized)
        if row is not None:
            record.instance, record.existing = row, True
        else:
            record.instance = probe
