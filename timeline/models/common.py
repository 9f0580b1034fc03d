"""Building blocks shared by the domain models: dates with precision, money, sources."""

import re
from decimal import Decimal

import pycountry
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

MONEY_MAX_DIGITS = 20
MONEY_DECIMAL_PLACES = 2
CURRENCY_PATTERN = r"^[A-Z]{3}$"
COUNTRY_PATTERN = r"^[A-Z]{2}$"


class DatePrecision(models.TextChoices):
    """How much of a date the sources actually give; the stored date is the first day of it."""

    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


class ClaimStatus(models.TextChoices):
    """Whether an item is established or only somebody's claim."""

    FACT = "fact", "Established fact"
    REPORTED = "reported", "Reported"
    CONFIRMED = "confirmed", "Confirmed"
    DISPUTED = "disputed", "Disputed"
    DENIED = "denied", "Denied"


def validate_currency(value):
    """ISO 4217 alphabetic code, checked against pycountry's list of active currencies."""
    if not re.fullmatch(CURRENCY_PATTERN, value or "") or pycountry.currencies.get(alpha_3=value) is None:
        raise ValidationError(
            "%(value)s is not an ISO 4217 currency code.", code="invalid_currency", params={"value": value}
        )


def validate_country(value):
    """ISO 3166-1 alpha-2 code (empty allowed where the field is optional)."""
    if value and (not re.fullmatch(COUNTRY_PATTERN, value) or pycountry.countries.get(alpha_2=value) is None):
        raise ValidationError(
            "%(value)s is not an ISO 3166-1 alpha-2 country code.", code="invalid_country", params={"value": value}
        )


def precision_error(value, precision):
    """Return a message when a date does not sit on the first day of its precision, else None."""
    if value is None:
        return None
    if precision == DatePrecision.MONTH and value.day != 1:
        return "A date with month precision is stored as the first day of that month."
    if precision == DatePrecision.YEAR and (value.month, value.day) != (1, 1):
        return "A date with year precision is stored as 1 January of that year."
    return None


def format_date(value, precision):
    """Render a date at the precision known: '21 November 2023', 'March 2025', '2017'."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return value.strftime("%B %Y")
    return f"{value.day} {value.strftime('%B %Y')}"


def iso_date(value, precision):
    """ISO 8601 at the precision known ('2025-03', '2017'), as used in <time datetime>."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return f"{value.year:04d}"
    if precision == DatePrecision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def precision_field(verbose_name="date precision"):
    return models.CharField(
        verbose_name,
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="Day, month or year: how much of the date the sources give.",
    )


def choices_constraint(model_name, field, choices):
    """Named CHECK that a choice field holds one of its choices, so raw writes cannot invent values."""
    return models.CheckConstraint(
        condition=Q(**{f"{field}__in": [value for value, _ in choices]}),
        name=f"timeline_{model_name}_{field}_valid",
    )


def currency_constraint(model_name, field="currency", allow_blank=False):
    condition = Q(**{f"{field}__regex": CURRENCY_PATTERN})
    if allow_blank:
        condition |= Q(**{field: ""})
    return models.CheckConstraint(condition=condition, name=f"timeline_{model_name}_{field}_iso4217")


def non_negative_constraint(model_name, field):
    return models.CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0}),
        name=f"timeline_{model_name}_{field}_non_negative",
    )


def ordered_dates_constraint(model_name, start, end):
    return models.CheckConstraint(
        condition=Q(**{f"{start}__isnull": True})
        | Q(**{f"{end}__isnull": True})
        | Q(**{f"{end}__gte": models.F(start)}),
        name=f"timeline_{model_name}_{end}_after_{start}",
    )


def check_date_order(errors, start_value, end_value, end_field, label):
    if start_value and end_value and end_value < start_value:
        errors.setdefault(end_field, []).append(f"{label} cannot be before the start date ({start_value}).")


def check_precisions(instance, pairs, errors):
    """Validate (date field, precision field) pairs and collect messages by field name."""
    for date_field, precision_field_name in pairs:
        message = precision_error(getattr(instance, date_field), getattr(instance, precision_field_name))
        if message:
            errors.setdefault(date_field, []).append(message)


def money_field(verbose_name, **kwargs):
    """An exact, non-negative amount; the field validator names the field, the CHECK guards raw writes."""
    return models.DecimalField(
        verbose_name,
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        validators=[MinValueValidator(Decimal("0"))],
        **kwargs,
    )


def format_money(amount, currency):
    return f"{currency} {amount:,}" if amount is not None else f"{currency} (no amount)"


def currency_field(verbose_name="currency", **kwargs):
    kwargs.setdefault("default", "USD")
    return models.CharField(
        verbose_name,
        max_length=3,
        validators=[validate_currency],
        help_text="ISO 4217 code, e.g. USD.",
        **kwargs,
    )
