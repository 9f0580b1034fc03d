"""Spreadsheet (CSV, XLSX) rows for the admin's import and export, one Resource per model.

Columns are the model's fields; references are natural keys (an entity's slug, a component's key),
and sources are a comma-separated list of source keys, so an exported file can be edited and
imported again, updating each record in place by its natural key. Every row goes through the
model's full_clean(), and every problem becomes an error on that row and field: a file imports
whole or not at all.
"""

import datetime
import functools
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db.models import Sum
from import_export import fields, resources, widgets

from timeline.admin.common import money
from timeline.models import CreditQuantum, EnforcementAction, Entity, Sentence, Settlement, SettlementComponent
from timeline.services.events import events_sync
from timeline.services.loader.schema import natural_key_names

# A spreadsheet number is a binary float: beyond 15 significant digits it no longer holds what was typed.
FLOAT_SAFE_DIGITS = 15
TRUE_WORDS = {"1", "true", "yes", "y"}
FALSE_WORDS = {"0", "false", "no", "n"}


def is_blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def reference_field(model):
    """The field a reference to ``model`` names it by: the one field of its natural key."""
    (name,) = natural_key_names(model)
    return name


class ReferenceWidget(widgets.ForeignKeyWidget):
    """A foreign key written as the target's slug or key; an unknown one is an error on the row."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        value = str(value).strip()
        try:
            return self.get_queryset(value, row, **kwargs).get(**{self.field: value})
        except self.model.DoesNotExist:
            raise ValueError(f"No {self.model._meta.verbose_name} has the {self.field} “{value}”.") from None

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else getattr(value, self.field)


class ReferenceListWidget(widgets.ManyToManyWidget):
    """A many-to-many relation written as keys separated by commas, e.g. ``doj-b01, fincen-b02``."""

    def __init__(self, model, field, required=False, **kwargs):
        super().__init__(model, separator=",", field=field, **kwargs)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        keys = [] if is_blank(value) else [key.strip() for key in str(value).split(self.separator)]
        keys = list(dict.fromkeys(key for key in keys if key))
        found = {getattr(obj, self.field): obj for obj in self.model.objects.filter(**{f"{self.field}__in": keys})}
        unknown = [key for key in keys if key not in found]
        name = self.model._meta.verbose_name
        if unknown:
            raise ValueError(f"No {name} has the {self.field} {', '.join(f'“{key}”' for key in unknown)}.")
        if self.required and not keys:
            raise ValueError(f"Cite at least one {name}: list their {self.field}s separated by commas.")
        return [found[key] for key in keys]

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return f"{self.separator} ".join(str(getattr(item, self.field)) for item in value.all())


class AmountWidget(widgets.Widget):
    """Money as an exact Decimal, read from text or a spreadsheet number and always written as text.

    XLSX stores numbers as binary floats, so exports write amounts as text to keep every cent.
    """

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, bool):
            raise ValueError(f"“{value}” is not an amount.")
        text = repr(value) if isinstance(value, float) else str(value).strip()
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(
                f"“{value}” is not an amount: write digits with a decimal point, e.g. 4300000000.00, "
                "without thousands separators or currency signs."
            ) from None
        if not amount.is_finite():
            raise ValueError(f"“{value}” is not an amount.")
        if not isinstance(value, str) and len(amount.as_tuple().digits) > FLOAT_SAFE_DIGITS:
            raise ValueError(
                f"{text} has more digits than a spreadsheet number keeps exactly: enter the amount as text."
            )
        if amount < 0:
            raise ValueError("An amount cannot be negative.")
        return amount

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else f"{Decimal(value):f}"


class IsoDateWidget(widgets.Widget):
    """Dates as YYYY-MM-DD only: 03/04/2025 means different days on either side of the Atlantic."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, datetime.datetime):
            if value.time() != datetime.time(0):
                raise ValueError(f"“{value}” has a time of day: give the date only.")
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        try:
            return datetime.datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError:
            raise ValueError(f"“{text}” is not a date: write it as YYYY-MM-DD, e.g. 2023-11-21.") from None

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else value.isoformat()


class WholeNumberWidget(widgets.Widget):
    """A count such as months in custody; refuses what is not a whole number instead of truncating it."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, bool):
            raise ValueError(f"“{value}” is not a whole number.")
        text = repr(value) if isinstance(value, float) else str(value).strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"“{value}” is not a whole number.") from None
        if not number.is_finite() or number != number.to_integral_value():
            raise ValueError(f"“{value}” is not a whole number.")
        return int(number)

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        return value if kwargs.get("force_native_type") else str(value)


class YesNoWidget(widgets.Widget):
    """Booleans as 1/0, true/false or yes/no; anything else is an error, never a silent "no"."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, bool):
            return value
        word = str(value).strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise ValueError(f"“{value}” is not yes or no: write 1 or 0.")

    def render(self, value, obj=None, **kwargs):
        if value is None:
            return ""
        if kwargs.get("force_native_type"):
            return value
        return "1" if value else "0"


class TimelineField(fields.Field):
    """A column; a many-to-many one reads as empty on a row not yet saved."""

    def get_value(self, instance):
        if isinstance(self.widget, ReferenceListWidget) and instance.pk is None:
            # A row not yet saved has no relations; asking Django would raise, and would print the
            # half-built instance, which not every model's __str__ survives.
            return None
        return super().get_value(instance)


def currency_column(attribute):
    """A currency column with no default: a blank currency is an error, never a silent USD."""
    return fields.Field(attribute=attribute, column_name=attribute, widget=widgets.CharWidget())


def is_primary_key_choice_error(error):
    """ForeignKey.validate()'s refusal of a target outside limit_choices_to, which names it by primary key."""
    return (
        error.code == "invalid" and isinstance(error.params, dict) and {"model", "pk", "field"} <= error.params.keys()
    )


def named_references(instance, error_dict):
    """Name a refused reference by the key the row gave, not its primary key; drop it where clean() said why."""
    named = {}
    for name, field_errors in error_dict.items():
        kept = [error for error in field_errors if not is_primary_key_choice_error(error)]
        if not kept:
            target = getattr(instance, name)
            key = getattr(target, reference_field(type(target)))
            kept = [ValidationError(f"“{key}” is not an allowed {instance._meta.get_field(name).verbose_name}.")]
        named[name] = kept
    return named


class TimelineResource(resources.ModelResource):
    """What every timeline spreadsheet shares: natural keys, strict cells, model validation, one transaction.

    ``import_data`` always runs in a transaction and rolls it back when any row fails, whoever calls it.
    """

    DEFAULT_RESOURCE_FIELD = TimelineField
    WIDGETS_MAP = {
        **resources.ModelResource.WIDGETS_MAP,
        "BooleanField": YesNoWidget,
        "DateField": IsoDateWidget,
        "DecimalField": AmountWidget,
        "IntegerField": WholeNumberWidget,
        "PositiveIntegerField": WholeNumberWidget,
        "PositiveSmallIntegerField": WholeNumberWidget,
        # An empty cell is an empty text, as in the admin's forms (never NULL).
        "TextField": widgets.CharWidget,
    }
    # Joins the export needs to write each row's references without a query per row.
    export_select_related = ()

    class Meta:
        use_transactions = True
        # References are natural keys: keeps each foreign key on its own attribute, not ``<name>_id``.
        use_natural_foreign_keys = True
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
        skip_diff = False

    @classmethod
    def get_fk_widget(cls, field):
        model = field.related_model
        return functools.partial(ReferenceWidget, model=model, field=reference_field(model))

    @classmethod
    def get_m2m_widget(cls, field):
        model = field.related_model
        return functools.partial(
            ReferenceListWidget, model=model, field=reference_field(model), required=not field.blank
        )

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, dry_run=dry_run, raise_errors=raise_errors, use_transactions=True, **kwargs)

    def before_import(self, dataset, **kwargs):
        self.saved = []
        super().before_import(dataset, **kwargs)
        while len(dataset) and all(is_blank(value) for value in dataset[-1]):
            # Spreadsheets keep formatted but empty rows after the data.
            del dataset[-1]
        known = {field.column_name for field in self.get_import_fields()}
        unknown = [str(header) for header in dataset.headers or () if not is_blank(header) and header not in known]
        if unknown:
            raise ValueError(f"Unknown columns: {', '.join(unknown)}. The columns are: {', '.join(sorted(known))}.")

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            # An unknown reference in the natural key: treat the row as new; import_instance names the reference.
            return None

    def import_instance(self, instance, row, **kwargs):
        """Set the row's values, collecting every cell's problem, the many-to-many ones included."""
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        for field in self.get_import_fields():
            widget = field.widget
            if not isinstance(widget, ReferenceListWidget):
                continue
            if field.column_name in row:
                try:
                    field.clean(row)
                except ValueError as error:
                    errors.setdefault(field.attribute, []).append(ValidationError(str(error)))
            elif widget.required and instance.pk is None:
                errors.setdefault(field.attribute, []).append(
                    ValidationError(f"Add a “{field.column_name}” column: every new row cites at least one source.")
                )
        if errors:
            raise ValidationError(errors)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        for name, message in self.row_problems(instance, errors):
            errors.setdefault(name, []).append(ValidationError(message))
        try:
            super().validate_instance(instance, errors, validate_unique)
        except ValidationError as error:
            raise ValidationError(named_references(instance, error.error_dict)) from None

    def row_problems(self, instance, errors):
        """Yield (field, message) for rules beyond full_clean(); ``errors`` holds what is already wrong."""
        return ()

    def after_save_instance(self, instance, row, **kwargs):
        super().after_save_instance(instance, row, **kwargs)
        self.saved.append(instance)

    def after_import(self, dataset, result, **kwargs):
        super().after_import(dataset, result, **kwargs)
        if kwargs.get("dry_run") or result.has_errors() or result.has_validation_errors():
            return
        for fact in self.sync_targets():
            events_sync(fact)

    def sync_targets(self):
        """The facts whose mirrored timeline events must follow what this import wrote."""
        return []

    def filter_export(self, queryset, **kwargs):
        queryset = super().filter_export(queryset, **kwargs)
        many = [field.attribute for field in self.get_export_fields() if isinstance(field.widget, ReferenceListWidget)]
        return queryset.select_related(*self.export_select_related).prefetch_related(*many)


class EntityResource(TimelineResource):
    export_select_related = ("parent",)

    class Meta:
        model = Entity
        fields = ("slug", "name", "kind", "country", "parent", "description", "sources")
        import_id_fields = ("slug",)


class EnforcementActionResource(TimelineResource):
    export_select_related = ("case", "authority", "court", "judge")

    class Meta:
        model = EnforcementAction
        fields = (
            "slug",
            "case",
            "authority",
            "action_type",
            "caption",
            "court",
            "docket_number",
            "judge",
            "status",
            "filed_on",
            "filed_precision",
            "resolved_on",
            "resolved_precision",
            "summary",
            "sources",
        )
        import_id_fields = ("slug",)

    def sync_targets(self):
        return self.saved


class SettlementComponentResource(TimelineResource):
    currency = currency_column("currency")
    export_select_related = ("settlement", "payer", "part_of")

    class Meta:
        model = SettlementComponent
        fields = (
            "key",
            "settlement",
            "payer",
            "kind",
            "amount",
            "currency",
            "is_approximate",
            "suspended_amount",
            "part_of",
            "description",
            "terms",
            "note",
            "sources",
        )
        import_id_fields = ("key",)

    def before_import(self, dataset, **kwargs):
        self.stored_settlements = {}
        super().before_import(dataset, **kwargs)

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        if not new:
            # A component moved to another settlement leaves the old settlement's event to resync.
            self.stored_settlements[instance.pk] = instance.settlement_id

    def row_problems(self, instance, errors):
        """Stated credits already recorded on the component must stay within what is payable on it."""
        if instance.pk is None or errors.keys() & {"amount", "suspended_amount", "currency"}:
            return
        if instance.amount is None or instance.suspended_amount is None:
            return
        stated = instance.credits.filter(currency=instance.currency, quantum=CreditQuantum.STATED)
        credited = stated.aggregate(total=Sum("amount"))["total"]
        payable = Decimal(instance.amount) - Decimal(instance.suspended_amount)
        if credited is not None and credited > payable:
            yield (
                "amount",
                f"Credits of {money(credited, instance.currency)} are recorded against this component, "
                f"more than the {money(payable, instance.currency)} payable on it.",
            )

    def sync_targets(self):
        settlement_ids = {component.settlement_id for component in self.saved}
        settlement_ids |= {self.stored_settlements[c.pk] for c in self.saved if c.pk in self.stored_settlements}
        return list(Settlement.objects.filter(pk__in=settlement_ids).order_by("slug"))


class SentenceResource(TimelineResource):
    fine_currency = currency_column("fine_currency")
    export_select_related = ("action", "defendant", "judge")

    class Meta:
        model = Sentence
        fields = (
            "action",
            "defendant",
            "sentenced_on",
            "judge",
            "custody_months",
            "is_life_sentence",
            "probation_months",
            "supervised_release_months",
            "fine_amount",
            "fine_currency",
            "prosecution_sought_months",
            "prosecution_sought",
            "defence_sought",
            "guidelines",
            "facility",
            "report_date",
            "report_precision",
            "scheduled_release_on",
            "released_on",
            "note",
            "sources",
        )
        import_id_fields = ("action", "defendant")

    def sync_targets(self):
        return self.saved
