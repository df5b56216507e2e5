"""The WSGI application ``bench/scans.py`` runs under gunicorn: the portal itself, and at ``/bare/`` a
bare Django endpoint — no middleware, no authentication, no URL routing — that inserts one row through
Django's connection. Both are loaded under the same gunicorn in the same run, so the ratio of their
request rates is the cost of the portal's submit over the floor of "a request that writes a row"."""
import json
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402

portal = get_wsgi_application()


def bare(environ, start_response):
    size = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(size) if size else b""
    with connection.cursor() as cursor:
        cursor.execute("INSERT INTO bench_bare (body) VALUES (%s) RETURNING id", [body.decode("utf-8", "replace")])
        row_id = cursor.fetchone()[0]
    answer = json.dumps({"id": row_id}).encode()
    start_response("201 Created", [("Content-Type", "application/json"), ("Content-Length", str(len(answer)))])
    return [answer]


def application(environ, start_response):
    if environ.get("PATH_INFO") == "/bare/":
        return bare(environ, start_response)
    return portal(environ, start_response)
