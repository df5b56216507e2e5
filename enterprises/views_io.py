"""Roster import and export pages (being written)."""
from django.http import Http404


def roster_import(request):
    raise Http404


def import_template(request):
    raise Http404


def import_errors(request, job_pk):
    raise Http404


def roster_export(request):
    raise Http404
