"""The portal's URLs plus views that fail on purpose, for the error-page tests."""
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


def fails(request):
    raise RuntimeError("a bug")


def refuses(request):
    raise PermissionDenied


def suspicious(request):
    raise SuspiciousOperation("a forged request")


urlpatterns = [
    path("test-errors/500/", fails),
    path("test-errors/403/", refuses),
    path("test-errors/400/", suspicious),
] + portal_urlpatterns
