"""Errors raised below the serializers become 4xx answers, never a 500.

A delete refused because other records depend on the row (PROTECT foreign keys, cited sources)
is a 409 naming the dependents; an integrity error that slipped past validation (two clients
writing the same key at once) is a 409 too; a Django ValidationError raised below the serializer
is a 400 with field errors. A request body over ``DATA_UPLOAD_MAX_MEMORY_SIZE`` is a 413 saying
the limit. A value the database refuses as data (``DataError``: a NUL character, a number out of
the column's range) is a 400: validation should have caught it, so it is also logged as a warning.
"""

import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.db.models.deletion import ProtectedError, RestrictedError
from rest_framework import exceptions, status
from rest_framework.fields import get_error_detail
from rest_framework.views import exception_handler as drf_exception_handler

MAX_DEPENDENTS_SHOWN = 10

logger = logging.getLogger(__name__)


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The request conflicts with the records stored."
    default_code = "conflict"


class RefusedValue(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "The database refused a value in this request (e.g. a NUL character or a number out of range)."
    default_code = "refused_value"


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


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
    elif isinstance(exc, DataError):
        logger.warning("Database refused a value validation let through: %s", exc)
        exc = RefusedValue()
    elif isinstance(exc, RequestDataTooBig):
        exc = PayloadTooLarge(f"The request body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes.")
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(get_error_detail(exc))
    return drf_exception_handler(exc, context)
