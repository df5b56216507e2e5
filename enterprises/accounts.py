"""Enterprise accounts: the administrator binds a user to one enterprise with a position (one
principal each), and creates the principal accounts of a whole township from the roster at once.

These are binding pages, not business pages. The administrator has no scope over enterprises
(``scope`` gives the role nothing, so the roster answers 404), yet must find an enterprise by name
or credit code to bind an account to it: behind ``admin_required`` these pages look enterprises
and townships up directly and show only names, credit codes and accounts. They live here, not in
``portal/accounts``, because that app must not import the roster."""
import base64
from dataclasses import dataclass, field
from io import BytesIO

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import get_hasher
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from portal.accounts import scope
from portal.accounts.manage_forms import TownshipChoiceField
from portal.accounts.manage_views import admin_required
from portal.accounts.models import AccessLog, Role
from portal.accounts.services import access_log_write, temporary_password, user_create
from portal.ui import BootstrapFormMixin, form_errors_from, paginate, query_without, register_nav

from .models import Enterprise, EnterpriseMembership, Status
from .validators import normalize_credit_code, normalize_text

Position = EnterpriseMembership.Position
SUGGESTIONS = 10

# A temporary password is 12 random characters (about 65 bits): no offline guessing gets near it
# whatever the hash's work factor, which is there to slow the guessing of passwords people choose.
# At Django's full PBKDF2 factor (about 0.4 s a hash) a township of 500 enterprises would hold the
# bulk request for minutes; at this one it takes seconds. Django re-hashes at full strength at the
# first sign-in, where the user must replace the password anyway.
TEMPORARY_PASSWORD_ITERATIONS = 10_000


def _live_enterprises():
    return Enterprise.objects.exclude(status=Status.DEREGISTERED)


def bindable_enterprises(user):
    """Enterprises an administrator may bind an account to: the roster less the deregistered."""
    return scope.for_binding(user, _live_enterprises())


# -- services -------------------------------------------------------------------------------------
def _principal_taken_error(enterprise):
    principal = enterprise.memberships.filter(position=Position.PRINCIPAL).select_related("user").first()
    return ValidationError({"position": _(
        "%(enterprise)s already has a principal account (%(username)s); an enterprise has one. "
        "Give this user another position, or reset that account's password instead.") % {
        "enterprise": enterprise.name, "username": principal.user.username if principal else "?"}})


def enterprise_account_create(*, enterprise, position, username, full_name="", phone="", by=None):
    """One enterprise user bound to ``enterprise``: ``(user, temporary password)``."""
    try:
        with transaction.atomic():
            # Serialise account creation per enterprise, so two principals cannot race in.
            enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
            if position == Position.PRINCIPAL and enterprise.memberships.filter(position=Position.PRINCIPAL).exists():
                raise _principal_taken_error(enterprise)
            user, password = user_create(username=username, role=Role.ENTERPRISE, full_name=full_name, phone=phone,
                                         by=by)
            membership = EnterpriseMembership(user=user, enterprise=enterprise, position=position)
            membership.full_clean()
            membership.save()
    except IntegrityError:  # a concurrent request won the race
        if position == Position.PRINCIPAL and enterprise.memberships.filter(position=Position.PRINCIPAL).exists():
            raise _principal_taken_error(enterprise) from None
        raise ValidationError(_("The account could not be saved because of a concurrent change; try again.")) from None
    return user, password


@dataclass
class PrincipalAccounts:
    township: object
    created: list = field(default_factory=list)  # (enterprise, user, password)
    skipped: list = field(default_factory=list)  # (enterprise, reason)


def principal_candidates(township):
    """The township's enterprises (not deregistered) without a principal account."""
    return (_live_enterprises().filter(township=township)
            .exclude(memberships__position=Position.PRINCIPAL).order_by("name", "pk"))


def principal_accounts_create(*, township, by=None):
    """A principal account for every enterprise of ``township`` that has none, in one transaction.

    Username: the credit code; full name: the roster's principal; a temporary password to change
    at the first sign-in. An enterprise whose credit code is already someone's username is skipped
    and reported. Run again, it creates nothing new."""
    User = get_user_model()
    hasher = get_hasher("pbkdf2_sha256")  # a configured hasher, so the sign-in can verify it
    result = PrincipalAccounts(township=township)
    try:
        with transaction.atomic():
            enterprises = list(principal_candidates(township).select_for_update(of=("self",)))
            taken = set(User.objects.filter(username__in=[e.credit_code for e in enterprises])
                        .values_list("username", flat=True))
            for enterprise in enterprises:
                if enterprise.credit_code in taken:
                    result.skipped.append((enterprise, _("The username %(username)s is already taken.") % {
                        "username": enterprise.credit_code}))
                    continue
                password = temporary_password()
                user = User(username=enterprise.credit_code, role=Role.ENTERPRISE,
                            full_name=enterprise.principal_name, must_change_password=True,
                            password=hasher.encode(password, hasher.salt(), iterations=TEMPORARY_PASSWORD_ITERATIONS))
                user.full_clean(validate_unique=False)  # usernames checked above in one query
                user.save()
                EnterpriseMembership.objects.create(user=user, enterprise=enterprise, position=Position.PRINCIPAL)
                result.created.append((enterprise, user, password))
    except IntegrityError:
        raise ValidationError(_("Another administrator is creating accounts for this township right now; "
                                "nothing was created. Try again in a moment.")) from None
    return result


def _cell(value):
    """Text that a spreadsheet would take for a formula is neutralised with a leading quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def credentials_xlsx(result):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Principal accounts")[:31]
    sheet.append([_("Enterprise name"), _("Unified social credit code"), _("Township"), _("Principal"),
                  _("Username"), _("Temporary password")])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for enterprise, user, password in result.created:
        sheet.append([_cell(enterprise.name), _cell(enterprise.credit_code), _cell(result.township.name),
                      _cell(enterprise.principal_name), _cell(user.username), _cell(password)])
    for column, width in zip("ABCDEF", (40, 22, 14, 12, 22, 18)):
        sheet.column_dimensions[column].width = width
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# -- forms ----------------------------------------------------------------------------------------
class EnterpriseAccountForm(BootstrapFormMixin, forms.Form):
    enterprise = forms.CharField(label=gettext_lazy("Enterprise (name or credit code)"), max_length=128)
    position = forms.ChoiceField(label=gettext_lazy("Position"), choices=Position.choices, initial=Position.PRINCIPAL)
    username = forms.CharField(
        label=gettext_lazy("Username"), max_length=150, required=False,
        help_text=gettext_lazy("Leave empty to use the enterprise's credit code (principal accounts)."))
    full_name = forms.CharField(label=gettext_lazy("Full name"), max_length=64, required=False)
    phone = forms.CharField(label=gettext_lazy("Phone"), max_length=32, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["enterprise"].widget.attrs.update({
            "autocomplete": "off", "hx-get": reverse("enterprises:account_enterprise_suggest"),
            "hx-trigger": "input changed delay:300ms", "hx-target": "#enterprise-suggestions",
            "placeholder": _("Type part of the name, or the credit code"),
        })

    def clean_enterprise(self):
        text = normalize_text(self.cleaned_data["enterprise"])
        live = bindable_enterprises(self.user)
        match = live.filter(credit_code=normalize_credit_code(text)).first()
        if match is not None:
            return match
        named = list(live.filter(name=text)[:2])
        if len(named) == 1:
            return named[0]
        if named:
            raise ValidationError(_("Several enterprises are called %(name)s: give the credit code.") % {"name": text})
        raise ValidationError(_("No enterprise on the roster (deregistered ones excepted) has this name or "
                                "credit code: pick one from the suggestions."))

    def clean(self):
        data = super().clean()
        enterprise = data.get("enterprise")
        if not data.get("username") and isinstance(enterprise, Enterprise):
            if data.get("position") == Position.PRINCIPAL:
                data["username"] = enterprise.credit_code
            else:
                self.add_error("username", _("Give a username: only a principal account takes the credit code."))
        return data


class PrincipalBulkForm(BootstrapFormMixin, forms.Form):
    township = TownshipChoiceField(label=gettext_lazy("Township"))


class AccountFilterForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=gettext_lazy("Enterprise, credit code or username"), required=False)
    township = TownshipChoiceField(label=gettext_lazy("Township"), required=False,
                                   empty_label=gettext_lazy("All townships"))
    position = forms.ChoiceField(label=gettext_lazy("Position"), required=False,
                                 choices=[("", gettext_lazy("All positions"))] + list(Position.choices))

    def filter(self, queryset):
        data = self.cleaned_data
        if data["q"]:
            q = normalize_text(data["q"])
            queryset = queryset.filter(Q(enterprise__name__icontains=q) | Q(enterprise__credit_code=q.upper())
                                       | Q(user__username__icontains=q) | Q(user__full_name__icontains=q))
        if data["township"]:
            queryset = queryset.filter(enterprise__township=data["township"])
        if data["position"]:
            queryset = queryset.filter(position=data["position"])
        return queryset


# -- views ----------------------------------------------------------------------------------------
@admin_required
@require_GET
def account_list(request):
    form = AccountFilterForm(request.GET or None)
    memberships = scope.for_binding(request.user,
                                    EnterpriseMembership.objects.select_related("user", "enterprise__township"))
    if form.is_valid():
        memberships = form.filter(memberships)
    page = paginate(request, memberships.order_by("enterprise__name", "position", "user__username"))
    return render(request, "enterprises/accounts/account_list.html", {
        "form": form, "page": page, "query": query_without(request, "page")})


@never_cache
@admin_required
def account_create(request):
    form = EnterpriseAccountForm(request.POST or None, initial={"enterprise": request.GET.get("enterprise", "")},
                                 user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, password = enterprise_account_create(
                enterprise=data["enterprise"], position=data["position"], username=data["username"],
                full_name=data["full_name"], phone=data["phone"], by=request.user)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            return render(request, "accounts/manage/credentials.html", {
                "account": user, "password": password, "created": True,
                "back_url": reverse("enterprises:accounts")})
    return render(request, "enterprises/accounts/account_form.html", {"form": form})


@admin_required
@require_GET
def account_enterprise_suggest(request):
    text = normalize_text(request.GET.get("enterprise") or request.GET.get("q"))
    enterprises = []
    if len(text) >= 2:
        enterprises = list(bindable_enterprises(request.user).filter(
            Q(name__icontains=text) | Q(credit_code__startswith=normalize_credit_code(text)))
            .select_related("township").order_by("name")[:SUGGESTIONS])
    return render(request, "enterprises/accounts/_suggestions.html", {"enterprises": enterprises, "text": text})


@never_cache
@admin_required
def accounts_bulk(request):
    if request.method == "POST":
        form = PrincipalBulkForm(request.POST)
        if form.is_valid():
            township = form.cleaned_data["township"]
            try:
                result = principal_accounts_create(township=township, by=request.user)
            except ValidationError as exc:
                form.add_error(None, exc.messages)
            else:
                return _bulk_result(request, form, result)
        return render(request, "enterprises/accounts/bulk.html", {"form": form})
    form = PrincipalBulkForm(request.GET if "township" in request.GET else None)
    context = {"form": form}
    if form.is_bound and form.is_valid():
        candidates = principal_candidates(form.cleaned_data["township"])
        context.update(township=form.cleaned_data["township"], candidate_count=candidates.count(),
                       candidates=list(candidates[:100]))
    return render(request, "enterprises/accounts/bulk.html", context)


def _bulk_result(request, form, result):
    """The result page carries the credentials file inline: shown this once, stored nowhere."""
    context = {"form": form, "result": result, "township": result.township}
    if result.created:
        file_name = "%s_%s_%s.xlsx" % (result.township.name, _("principal accounts"),
                                      timezone.localtime().strftime("%Y%m%d%H%M"))
        context.update(xlsx_b64=base64.b64encode(credentials_xlsx(result)).decode("ascii"), file_name=file_name)
        access_log_write(kind=AccessLog.Kind.EXPORT, request=request, user=request.user, detail=(
            f"principal account credentials: {result.township.name}, {len(result.created)} accounts"))
    elif not result.skipped:
        messages.info(request, _("Every enterprise of %(township)s already has a principal account: "
                                 "nothing was created.") % {"township": result.township.name})
    return render(request, "enterprises/accounts/bulk.html", context)


register_nav(gettext_lazy("Enterprise accounts"), "enterprises:accounts", "manage_accounts", order=81, group="system")
