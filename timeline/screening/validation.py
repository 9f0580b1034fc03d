"""Checks on a screened value, shared by the API and the list upload: a clear message, never a crash."""

import re

import pycountry

from timeline.screening.names import has_control_characters, name_forms

MAX_VALUE_LENGTH = 500
BIRTH_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
NAME_PROPERTIES = ("name", "alias")


class InvalidValue(ValueError):
    """A value a screening cannot take; the message says why, for a field error."""


def check_text(value):
    """A name or value as given: not blank, not over-long, no control characters."""
    if not isinstance(value, str):
        raise InvalidValue("Must be a string.")
    if has_control_characters(value):
        raise InvalidValue("Control characters are not allowed.")
    if len(value) > MAX_VALUE_LENGTH:
        raise InvalidValue(f"At most {MAX_VALUE_LENGTH} characters.")
    if not value.strip():
        raise InvalidValue("May not be blank.")
    return value.strip()


def check_name(value):
    value = check_text(value)
    if not name_forms(value):
        raise InvalidValue("A name needs letters or digits.")
    return value


def check_property(prop, value):
    if prop in NAME_PROPERTIES:
        return check_name(value)
    value = check_text(value)
    if prop == "country" and not pycountry.countries.get(alpha_2=value.upper()):
        raise InvalidValue("Not an ISO 3166-1 alpha-2 country code.")
    if prop == "birthDate" and not BIRTH_DATE.match(value):
        raise InvalidValue("Use YYYY, YYYY-MM or YYYY-MM-DD.")
    return value
