from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    """DRF's handler, except that every ``Http404`` is answered with one translated message.

    The texts given to ``Http404`` in views and in ``scope.get`` are English notes for the log;
    an API client reads Chinese, and "missing" must read the same as "out of scope"."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("No such record."))
    return drf_exception_handler(exc, context)
