"""Errors the database raises become 4xx answers, never a 500.

A delete refused because other records depend on the row (PROTECT foreign keys, cited sources)
is a 409 naming the dependents; an integrity error that slipped past validation (two clients
writing the same key at once) is a 409 too; a Django ValidationError raised below the serializer
is a 400 with field errors.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models.deletion import ProtectedError, RestrictedError
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.views import exception_handler as drf_exception_handler

MAX_DEPENDENTS_SHOWN = 10


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the records stored."
    default_code = "conflict"


def _dependents(exc):
    objects = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", None) or ()
    return sorted(str(obj) for obj in list(objects)[:MAX_DEPENDENTS_SHOWN])


def exception_handler(exc, context):
    if isinstance(exc, (ProtectedError, RestrictedError)):
        exc = Conflict(
            {"detail": "Other records depend on this one; remove or change them first.", "dependents": _dependents(exc)}
        )
    elif isinstance(exc, IntegrityError):
        exc = Conflict("The write conflicts with a record stored meanwhile; read it again and retry.")
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(get_error_detail(exc))
    return drf_exception_handler(exc, context)
