"""Writing planned records inside the load's transaction, validating each as the database will see it.

Records are written model by model in dependency order (and, within a model, parents before the
records that point at them), so every record is validated with its real related rows: full_clean()
with unique checks and the named CHECK constraints, the sources rule, then the amount checks that
span records. Unchanged records are never saved, and many-to-many sets are replaced only when they
differ, so nothing an editor did not touch changes.
"""

from collections import defaultdict

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.db import DatabaseError, transaction

from timeline.models import Credit, Settlement, SettlementComponent
from timeline.selectors.history_relations import tracked_relation_names
from timeline.services.loader import checks
from timeline.services.loader.planning import Planned
from timeline.services.loader.reporting import format_key
from timeline.services.loader.schema import (
    bookkeeping_fields,
    citation_field,
    editor_models,
    many_to_many,
    self_references,
)

CHUNK = 500


def _no_progress(iterable, **kwargs):
    return iterable


class Writer:
    """Applies planned records; ``saved`` lists those written or confirmed unchanged without problems."""

    def __init__(self, planned, report, progress=None):
        self.planned = planned
        self.report = report
        self.progress = progress or _no_progress
        self.saved = []
        self.tainted = set()

    def run(self):
        by_model = defaultdict(list)
        for record in self.planned:
            if record.model is not None and not record.skip:
                by_model[record.model].append(record)
        ordered = []
        for model in editor_models():
            ordered.extend(self._in_write_order(model, by_model.get(model, [])))
        current = {}
        bar = self.progress(ordered, total=len(ordered), desc="Loading", unit="record")
        for record in bar:
            if record.model not in current:
                current[record.model] = self._current_m2m(record.model, by_model[record.model])
            self._apply(record, current[record.model])
        self._check_amounts()

    def _in_write_order(self, model, group):
        """Records pointing at another record of the same model come after it; cycles are problems."""
        own = self_references(model)
        if not own:
            return group
        members = set(group)
        waiting = {
            record: {
                ref.target
                for name in own
                if (ref := record.fks.get(name)) is not None and isinstance(ref.target, Planned)
                if ref.target in members
            }
            for record in group
        }
        ordered, placed = [], set()
        while True:
            ready = [record for record in group if record not in placed and waiting[record] <= placed]
            if not ready:
                break
            ordered.extend(ready)
            placed.update(ready)
        for record in group:
            if record not in placed and self._in_cycle(record, waiting):
                names = " or ".join(name for name in own if record.fks.get(name) is not None)
                record.issue(f"reference cycle: following {names} leads back to this record", names)
                record.skip = True
        # Records hanging off a cycle come last; their reference to it stays unwritten, which blocks them.
        ordered.extend(record for record in group if record not in placed and not record.skip)
        return ordered

    @staticmethod
    def _in_cycle(record, waiting):
        seen, frontier = set(), set(waiting[record])
        while frontier:
            if record in frontier:
                return True
            seen |= frontier
            frontier = {target for item in frontier for target in waiting[item]} - seen
        return False

    def _current_m2m(self, model, group):
        """Many-to-many targets of the existing rows in ``group``: {(pk, field name): {target pk}}."""
        ids = [record.instance.pk for record in group if record.existing]
        current = defaultdict(set)
        for name, field in many_to_many(model).items():
            through = field.remote_field.through
            owner = through._meta.get_field(field.m2m_field_name()).attname
            target = through._meta.get_field(field.m2m_reverse_field_name()).attname
            for start in range(0, len(ids), CHUNK):
                rows = through.objects.filter(**{f"{owner}__in": ids[start : start + CHUNK]})
                for owner_id, target_id in rows.values_list(owner, target):
                    current[(owner_id, name)].add(target_id)
        return current

    def _apply(self, record, current):
        instance = record.instance
        creating = instance.pk is None
        try:
            with transaction.atomic():
                outcome = self._validate_and_save(record, current)
        except DatabaseError as error:
            record.issue(f"the database refused it: {error}")
            outcome = None
            if creating:
                # The savepoint undid the insert; make dependents see the record as unwritten.
                instance.pk = None
                instance._state.adding = True
        if outcome is None:
            self._taint(record)
            return
        self.report.count(record.label, outcome)
        self.saved.append(record)

    def _validate_and_save(self, record, current):
        """Return 'created', 'updated' or 'unchanged', or None when the record has problems.

        A record with problems is still written when its references allow, so that the records
        depending on it get checked too; the load as a whole is then rolled back.
        """
        model, instance = record.model, record.instance
        blocked = False
        excluded = set(record.bad_fields)
        changed = set()
        for name, value in record.values.items():
            attname = model._meta.get_field(name).attname
            if getattr(instance, attname) != value:
                setattr(instance, attname, value)
                changed.add(name)
        for name, ref in record.fks.items():
            target = None if ref is None else ref.instance
            if ref is not None and (target is None or target.pk is None):
                excluded.add(name)
                blocked = True
                continue
            if getattr(instance, model._meta.get_field(name).attname) != (target.pk if target else None):
                changed.add(name)
            setattr(instance, name, target)

        wanted_m2m = {}
        for name, refs in record.m2m.items():
            targets = [ref.instance for ref in refs]
            if any(target is None or target.pk is None for target in targets):
                blocked = True
                continue
            wanted_m2m[name] = {target.pk for target in targets}
        self._check_sources(record, current, wanted_m2m)

        unchanged = instance.pk is not None and not changed
        # A row stored as is already satisfies its foreign keys, unique and CHECK constraints (the
        # database holds it to them): only the rules the database cannot enforce are checked again.
        skipped = excluded | set(record.fks) if unchanged else excluded
        try:
            instance.full_clean(
                exclude=skipped or None, validate_unique=not unchanged, validate_constraints=not unchanged
            )
        except ValidationError as error:
            self._field_errors(record, error, excluded)
        except (ObjectDoesNotExist, ValueError, TypeError):
            # clean() tripped over a value or reference already reported as wrong.
            if not (blocked or record.issues):
                raise
        if blocked:
            return None
        creating = instance.pk is None
        if record.issues:
            if creating or changed:
                self._save_for_checking(instance, creating)
            return None

        relinked = {
            name: wanted
            for name, wanted in wanted_m2m.items()
            if wanted != (set() if creating else current.get((instance.pk, name), set()))
        }
        if creating or changed:
            instance.save()
        elif relinked:
            self._stamp(instance, audited=relinked.keys() <= tracked_relation_names(model))
        for name, wanted in relinked.items():
            getattr(instance, name).set(wanted)
        if creating:
            return "created"
        return "updated" if changed or relinked else "unchanged"

    @staticmethod
    def _stamp(instance, audited):
        """Stamp a record whose relations alone change: feeds and audit read updated_at.

        When the audit trail records those relations, the save leaves no entry of its own: the
        entries the relation changes write next record the change, with the new stamp.
        """
        stamps = [field.name for field in bookkeeping_fields(type(instance)) if getattr(field, "auto_now", False)]
        if not stamps:
            return
        if audited:
            instance.skip_history_when_saving = True
        try:
            instance.save(update_fields=stamps)
        finally:
            instance.__dict__.pop("skip_history_when_saving", None)

    def _save_for_checking(self, instance, creating):
        """Write a record with problems inside the doomed transaction, if the database accepts it."""
        try:
            with transaction.atomic():
                instance.save()
        except DatabaseError:
            if creating:
                instance.pk = None
                instance._state.adding = True

    def _check_sources(self, record, current, wanted_m2m):
        field = citation_field(record.model)
        if field is None:
            return
        if field.name in record.m2m:
            cited = bool(record.m2m[field.name])
        elif field.name in record.bad_fields:
            return
        else:
            cited = record.existing and bool(current.get((record.instance.pk, field.name)))
        if not cited:
            record.issue(
                f"cites no source: every {record.model._meta.verbose_name} cites at least one timeline.source",
                field.name,
            )

    def _field_errors(self, record, error, silenced):
        """Record full_clean()'s messages by field.

        Messages on silenced fields are dropped: those fields hold a value already reported as wrong,
        or point at a record that could not be written, and clean() would only repeat the consequence.
        A foreign key outside its allowed choices is named by natural key, and only when clean() gave
        no better reason.
        """
        for name, errors in error.error_dict.items():
            if name in silenced:
                continue
            field_name = None if name == NON_FIELD_ERRORS else name
            ref = record.fks.get(name)
            messages = [" ".join(item.messages) for item in errors if ref is None or item.code != "invalid"]
            if ref is not None and len(messages) < len(errors) and not messages:
                messages = [f"{ref.model._meta.label_lower} {format_key(ref.raw)} is not an allowed choice here"]
            for message in messages:
                record.issue(message, field_name)

    def _taint(self, record):
        """Remember rows a failed record hangs off, so checks over them do not report its absence."""
        if record.instance is not None and record.instance.pk is not None:
            self.tainted.add((record.model, record.instance.pk))
        for ref in record.fks.values():
            if ref is not None and ref.instance is not None and ref.instance.pk is not None:
                self.tainted.add((ref.model, ref.instance.pk))

    def _check_amounts(self):
        """Totals, breakdowns and credits of every settlement and component this load touched."""
        settlements, wholes, credited = {}, {}, {}
        for record in self.saved:
            instance = record.instance
            if record.model is Settlement:
                settlements.setdefault(instance.pk, record)
            elif record.model is SettlementComponent:
                settlements.setdefault(instance.settlement_id, record)
                wholes.setdefault(instance.pk, record)
                credited.setdefault(instance.pk, record)
                if instance.part_of_id:
                    wholes.setdefault(instance.part_of_id, record)
            elif record.model is Credit:
                credited.setdefault(instance.component_id, record)
        runs = [
            (checks.settlement_total_problems, Settlement, settlements),
            (checks.parts_problems, SettlementComponent, wholes),
            (checks.credit_problems, SettlementComponent, credited),
            (checks.credit_against_problems, SettlementComponent, credited),
        ]
        for check, model, scope in runs:
            ids = [pk for pk in scope if (model, pk) not in self.tainted]
            for obj, field_name, message in check(ids):
                record = scope[obj.pk]
                if record.model is not model or record.instance.pk != obj.pk:
                    message = f"{model._meta.label_lower} {format_key(obj.natural_key())}: {message}"
                    field_name = None
                record.issue(message, field_name)
