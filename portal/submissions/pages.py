"""The page side of ``submit_once``: an HTML form submitted once.

A form made for one attempt carries a hidden ``client_key`` (``ClientKeyFormMixin``, a fresh
``new_client_key()`` per rendering). The view hands the form and its handler to
``form_submit_once``, which runs validation and the handler inside ``submit_once``:

* first POST with the key: the form is validated, the handler writes and returns the URL of what
  it made; the answer is a redirect there, and that URL is stored under the key;
* the same POST again (a double tap, a retry on a poor connection): nothing runs, the redirect to
  the first result comes back (with a note saying so);
* the key reused with another payload (or by another user): a 409 page with the Chinese
  ``KeyReused`` message, nothing changes;
* an invalid form or a handler raising ``ValidationError``: nothing is stored (the key neither),
  the errors are put on the form and ``None`` tells the view to render the form again — the
  corrected form keeps its key, which is still unused.

The payload compared for a replay is the POST without the CSRF token and the key, plus the name
and size of every uploaded file (their bytes are not read twice). Used by the inspection form;
any later page-side submit reuses it::

    class MyForm(ClientKeyFormMixin, forms.Form): ...

    form = MyForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        response = form_submit_once(request, kind="patrols.submit", form=form,
                                    handler=lambda data: reverse("x", args=[service(**data).pk]))
        if response is not None:
            return response
    return render(request, "form.html", {"form": form})
"""
from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.template import engines
from django.utils.translation import gettext as _

from portal.ui import form_errors_from

from .services import KeyReused, new_client_key, submit_once, valid_key

FIELD = "client_key"
_IGNORED = {"csrfmiddlewaretoken", FIELD}

_PROBLEM_PAGE = """{% extends "base.html" %}{% load i18n %}
{% block title %}{{ heading }}{% endblock %}
{% block content %}
<div class="alert alert-warning" role="alert"><h1 class="h5">{{ heading }}</h1><p class="mb-0">{{ message }}</p></div>
{% if back %}<a class="btn btn-primary" href="{{ back }}">{% translate "Back" %}</a>{% endif %}
{% endblock %}"""


class ClientKeyFormMixin:
    """Adds the hidden ``client_key`` field, a fresh key each time an unbound form is made.

    A bound form keeps the posted key, so a form shown again with its errors resubmits under the
    same (still unused) key."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[FIELD] = forms.CharField(widget=forms.HiddenInput, required=False, initial=new_client_key)


def payload_of(request):
    """What a replay is compared on: the POST (lists for repeated fields) without the CSRF token and
    the key, and ``[name, size]`` of each uploaded file under ``_files``."""
    data = {k: (v[0] if len(v) == 1 else v) for k, v in request.POST.lists() if k not in _IGNORED}
    files = {k: [[f.name, f.size] for f in v] for k, v in request.FILES.lists()}
    if files:
        data["_files"] = files
    return data


def problem_page(request, *, heading, message, status, back=""):
    """A small page saying why a submission was refused (409, 400)."""
    html = engines["django"].from_string(_PROBLEM_PAGE).render(
        {"heading": heading, "message": message, "back": back}, request)
    return HttpResponse(html, status=status)


class _FormInvalid(Exception):
    """Raised inside the transaction so an invalid form leaves no key behind."""


def _apply_errors(form, exc):
    if hasattr(form, "add_service_errors"):
        form.add_service_errors(exc)
        return
    form_errors_from(form, exc)


def form_submit_once(request, *, kind, form, handler):
    """Validate ``form`` and run ``handler(form.cleaned_data) -> url`` once per client key.

    Returns the redirect (the first result's on a replay), a 409 page for a reused key, a 400 page
    for a missing key, or ``None`` with the errors on ``form`` (a form error, or a ``ValidationError``
    from the handler, given to ``form.add_service_errors(exc)`` when the form has it)."""
    key = request.POST.get(FIELD, "")
    if not valid_key(key):
        return problem_page(request, status=400, heading=_("The form could not be submitted"),
                            message=_("This form has no valid submission key. Reload the page and submit again."),
                            back=request.get_full_path())

    def run():
        if not form.is_valid():
            raise _FormInvalid
        return 302, {"location": str(handler(form.cleaned_data))}

    try:
        _status, body, replayed = submit_once(kind=kind, client_key=key, user=request.user,
                                              payload=payload_of(request), handler=run)
    except KeyReused as exc:
        return problem_page(request, status=409, heading=_("Already submitted"), message=exc.message,
                            back=request.get_full_path())
    except _FormInvalid:
        return None
    except ValidationError as exc:
        _apply_errors(form, exc)
        return None
    if replayed:
        messages.info(request, _("This form had already been submitted: here is the record it made."))
    return HttpResponseRedirect(body["location"])
