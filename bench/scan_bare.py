"""Bench-only settings, URLs and view (bench/scan_submit.sh): a bare Django endpoint that inserts
one row, with no middleware, no authentication and no DRF — the floor the scan submit is compared
with, served by the same gunicorn command (2 sync workers) against the same database.

    DJANGO_SETTINGS_MODULE=bench.scan_bare gunicorn bench.scan_bare:application

The row goes into ``bench_bare_row`` (created by bench/scan_submit.py's setup, never by a
migration: the table is not the portal's)."""
from portal.settings import *  # noqa: F401,F403 - the portal's database, apps and the rest
from portal.settings import DATABASES  # noqa: F401

from django.urls import path  # noqa: E402

DEBUG = False
MIDDLEWARE = []
ROOT_URLCONF = "bench.scan_bare"
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]


def bare(request):
    """One INSERT of the request's body: what any submit costs at least (Django's request cycle and a
    round trip to the database)."""
    from django.db import connection
    from django.http import HttpResponse

    with connection.cursor() as cur:
        cur.execute("INSERT INTO bench_bare_row (created_at, key, body) VALUES (now(), %s, %s)",
                    [request.headers.get("Idempotency-Key", ""), request.body.decode()])
    return HttpResponse(b'{"ok": true}', status=201, content_type="application/json")


urlpatterns = [path("bare/", bare)]

_handler = None


def application(environ, start_response):
    """Django's WSGI handler, made on the first request (this module is also the settings, which
    must be importable before Django is set up)."""
    global _handler
    if _handler is None:
        from django.core.wsgi import get_wsgi_application

        _handler = get_wsgi_application()
    return _handler(environ, start_response)
