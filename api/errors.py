"""The services refuse bad input with Django's ValidationError; the API answers it with 400
and the same messages, field by field, as a form shows them."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, serializers
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(serializers.as_serializer_error(exc))
    return drf_exception_handler(exc, context)
