"""The administrator's pages (users and their bindings) and the auditor's (audit trail, access log).

Neither role opens a business page, and these pages are theirs alone: anyone else gets the same
404 as for a page that does not exist. The auditor only reads (GET; anything else is 405), and
every read of the trail or the access log is itself written to the access log."""
from functools import wraps

from auditlog.models import LogEntry
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from portal.ui import form_errors_from, paginate, query_without

from . import scope, services
from .manage_forms import PRIVILEGED_ROLES, AccessLogFilterForm, AuditFilterForm, UserFilterForm, UserForm
from .models import AccessLog, Role, User


# -- who may open these pages ---------------------------------------------------------------------
is_user_admin = scope.may_manage_accounts
is_auditor = scope.may_read_audit


def _gate(predicate):
    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise Http404("No such page")
            return view(request, *args, **kwargs)
        return wrapped
    return decorator


admin_required = _gate(is_user_admin)
auditor_required = _gate(is_auditor)


@login_required
@require_GET
def index(request):
    if is_user_admin(request.user):
        return redirect("manage:users")
    if is_auditor(request.user):
        return redirect("manage:audit")
    raise Http404("No such page")


# -- users ----------------------------------------------------------------------------------------
def manageable_users(by):
    """Users ``by`` may change here: a plain administrator leaves superusers, administrators and
    auditors to a superuser."""
    users = scope.for_binding(by, User.objects.all())
    if not by.is_superuser:
        users = users.filter(is_superuser=False).exclude(role__in=PRIVILEGED_ROLES)
    return users


def _manageable_user(request, pk):
    return get_object_or_404(manageable_users(request.user), pk=pk)


@admin_required
@require_GET
def users(request):
    form = UserFilterForm(request.GET or None, by=request.user)
    queryset = manageable_users(request.user).select_related(
        "region", "enterprise_membership__enterprise").prefetch_related("grid_cells__region")
    if form.is_valid():
        queryset = form.filter(queryset)
    page = paginate(request, queryset.order_by("username", "pk"))
    return render(request, "accounts/manage/user_list.html", {
        "form": form, "page": page, "query": query_without(request, "page")})


@never_cache
@admin_required
def user_create(request):
    form = UserForm(request.POST or None, by=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = services.user_create(
                username=data["username"], role=data["role"], region=data["region"],
                grid_cells=list(data["grid_cells"]), full_name=data["full_name"], phone=data["phone"],
                by=request.user)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            # Rendered, not redirected: the temporary password is shown this once and stored nowhere.
            return render(request, "accounts/manage/credentials.html", {
                "account": user, "password": password, "created": True})
    return render(request, "accounts/manage/user_form.html", {"form": form, "creating": True})


@admin_required
def user_edit(request, pk):
    account = _manageable_user(request, pk)
    form = UserForm(request.POST or None, instance=account, by=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("Saved the account %(username)s.") % {"username": account.username})
        return redirect("manage:user_edit", pk=account.pk)
    return render(request, "accounts/manage/user_form.html", {
        "form": form, "account": account, "membership": scope.membership(account),
        "is_self": account.pk == request.user.pk})


def _set_active(request, pk, active):
    account = _manageable_user(request, pk)
    if not active and account.pk == request.user.pk:
        messages.error(request, _("You cannot deactivate your own account."))
        return redirect("manage:user_edit", pk=account.pk)
    if account.is_active != active:
        account.is_active = active
        account.save(update_fields=["is_active"])
    if active:
        messages.success(request, _("The account %(username)s is active again.") % {"username": account.username})
    else:
        messages.success(request, _("The account %(username)s is deactivated: it can no longer sign in.") % {
            "username": account.username})
    return redirect("manage:user_edit", pk=account.pk)


@admin_required
@require_POST
def user_deactivate(request, pk):
    return _set_active(request, pk, False)


@admin_required
@require_POST
def user_reactivate(request, pk):
    return _set_active(request, pk, True)


@never_cache
@admin_required
@require_POST
def user_reset_password(request, pk):
    from axes.utils import reset as axes_reset

    account = _manageable_user(request, pk)
    password = services.user_reset_password(user=account)
    # A locked-out user asks the administrator: the reset also lifts the lockout.
    axes_reset(username=account.username)
    return render(request, "accounts/manage/credentials.html", {"account": account, "password": password})


# -- audit trail and access log (auditor) ---------------------------------------------------------
def _log_read(request, detail):
    services.access_log_write(kind=AccessLog.Kind.AUDIT_READ, request=request, user=request.user, detail=detail)


@auditor_required
@require_GET
def audit(request):
    form = AuditFilterForm(request.GET or None)
    entries = scope.audit_records(request.user, LogEntry.objects.select_related("actor", "content_type"))
    if form.is_valid():
        entries = form.filter(entries)
    page = paginate(request, entries.order_by("-timestamp", "-pk"))
    for entry in page.object_list:
        entry.type_label = _type_label(entry.content_type)
        entry.field_labels = [label for label, _field, _value in _changed_fields(entry)]
    _log_read(request, "audit trail ?" + request.GET.urlencode())
    return render(request, "accounts/manage/audit_list.html", {
        "form": form, "page": page, "query": query_without(request, "page")})


@auditor_required
@require_GET
def audit_entry(request, pk):
    entry = get_object_or_404(scope.audit_records(request.user, LogEntry.objects.select_related("actor", "content_type")),
                              pk=pk)
    _log_read(request, f"audit entry {entry.pk}")
    return render(request, "accounts/manage/audit_entry.html", {
        "entry": entry, "rows": change_rows(entry), "type_label": _type_label(entry.content_type)})


@auditor_required
@require_GET
def access_log(request):
    form = AccessLogFilterForm(request.GET or None)
    rows = scope.audit_records(request.user, AccessLog.objects.select_related("user"))
    if form.is_valid():
        rows = form.filter(rows)
    page = paginate(request, rows.order_by("-at", "-pk"))
    _log_read(request, "access log ?" + request.GET.urlencode())
    return render(request, "accounts/manage/access_log.html", {
        "form": form, "page": page, "query": query_without(request, "page"),
        "retention_days": settings.ACCESS_LOG_RETENTION_DAYS})


def change_rows(entry):
    """Each changed field of a log entry with its label and its values before and after.

    django-auditlog stores values as text ("None" for empty) and a many-to-many change as
    ``{"type": "m2m", "operation": "add" | "delete", "objects": [...]}``; its own display helper
    mangles the latter, so this one reads both."""
    rows = []
    for label, field, value in _changed_fields(entry):
        if isinstance(value, dict) and value.get("type") == "m2m":
            rows.append({"field": label, "m2m": True, "added": value.get("operation") == "add",
                         "objects": value.get("objects", [])})
            continue
        before, after = (list(value) + [None, None])[:2] if isinstance(value, (list, tuple)) else (None, value)
        rows.append({"field": label, "before": _display(field, before), "after": _display(field, after)})
    return rows


def _changed_fields(entry):
    """``(label, model field or None, recorded value)`` for each field the entry records; reverse
    relations, which a creation lists as "app.Model.None", are left out."""
    model = entry.content_type.model_class()
    for name, value in (entry.changes_dict or {}).items():
        field = _field(model, name)
        if field is not None and field.auto_created and not field.concrete:
            continue
        yield (capfirst(field.verbose_name) if field is not None else name), field, value


def _type_label(content_type):
    model = content_type.model_class()
    return capfirst(model._meta.verbose_name) if model else content_type.model


def _field(model, name):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _display(field, value):
    if value is None or value == "None":
        return ""
    if field is None:
        return str(value)
    if field.get_internal_type() == "BooleanField":
        return {"True": _("Yes"), "False": _("No")}.get(value, str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(_to_python(field, value), value))
    if field.many_to_one or field.one_to_one:
        try:
            return str(field.related_model._default_manager.get(pk=value))
        except (field.related_model.DoesNotExist, ValueError, ValidationError):
            return _("%(value)s (deleted)") % {"value": value}
    return str(value)


def _to_python(field, value):
    try:
        return field.to_python(value)
    except ValidationError:
        return value
