"""The risk control dictionary (风险报告管控辞典) and the grading methods' page: every signed-in user
reads them (the models are ``Scope.public``); the bureau (``manage_risk_dictionary``) edits them.
Reading goes through ``scope.visible``; every write is a ``services.dictionary`` call, which asks
``scope.require`` first — the API calls the same services."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Subquery
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.ui import form_errors_from, paginate, query_without

from .dictionary_catalogue import ACCIDENT_TYPES, MEASURE_KINDS
from .filters_dictionary import RiskCategoryFilter
from .forms_dictionary import CalculatorForm, CategoryForm, GradingMethodForm
from .models import (METHOD_FACTORS, GradingBand, GradingMethod, GradingScale, RiskCategory, RiskLevel, RiskPoint,
                     plain)
from .services import dictionary as services
from .services.grading import risk_grade

ACCIDENT_NAMES = dict(ACCIDENT_TYPES)


def _may_edit(user):
    return scope.can(user, caps.MANAGE_RISK_DICTIONARY)


def _require_edit(user):
    if not _may_edit(user):  # a step the role never takes: 403, like the API
        raise PermissionDenied(_("Only the bureau edits the risk control dictionary."))


def _categories(user):
    return scope.visible(user, RiskCategory.objects.select_related("domain"))


def _styled(filterset):
    for field in filterset.form.fields.values():
        field.widget.attrs["class"] = "form-select" if hasattr(field.widget, "choices") else "form-control"
    return filterset


def _points_using(user):
    """How many of the points the user sees use the outer category (a subquery per row)."""
    points = scope.visible(user, RiskPoint.objects.filter(category=OuterRef("pk"), retired_on__isnull=True))
    return Subquery(points.order_by().values("category").annotate(n=Count("pk")).values("n"))


@login_required
def category_list(request):
    user = request.user
    filterset = _styled(RiskCategoryFilter(request.GET or None, queryset=_categories(user)))
    qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    page = paginate(request, qs.annotate(points_count=_points_using(user)).order_by("order", "code", "pk"))
    return render(request, "risk_reports/dictionary/category_list.html", {
        "filter": filterset, "page": page, "query": query_without(request, "page"), "may_edit": _may_edit(user),
    })


def _get(user, pk):
    category, _can_change = scope.get(user, RiskCategory.objects.select_related("domain"), pk=pk)
    return category


@login_required
def category_detail(request, pk):
    user = request.user
    category = _get(user, pk)
    measures = category.measures if isinstance(category.measures, dict) else {}
    points = scope.visible(user, RiskPoint.objects.filter(category=category, retired_on__isnull=True))
    return render(request, "risk_reports/dictionary/category_detail.html", {
        "category": category, "may_edit": _may_edit(user),
        "accident_types": [(code, ACCIDENT_NAMES.get(code, code)) for code in category.accident_types],
        "measures": [(label, measures.get(kind, [])) for kind, label in MEASURE_KINDS],
        "points_count": points.count(),
    })


@login_required
def category_create(request):
    user = request.user
    _require_edit(user)
    form = CategoryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.category_create(by=user, code=form.cleaned_data["code"], **form.service_fields())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Category %(name)s added to the dictionary.") % {"name": category.name})
            return redirect("risk_reports:category_detail", pk=category.pk)
    return render(request, "risk_reports/dictionary/category_form.html", {"form": form, "category": None})


@login_required
def category_edit(request, pk):
    user = request.user
    category = scope.get_for(user, RiskCategory.objects.select_related("domain"), caps.MANAGE_RISK_DICTIONARY,
                             _("Only the bureau edits the risk control dictionary."), pk=pk)
    form = CategoryForm(request.POST or None, category=category)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.category_update(category=category, by=user, **form.service_fields())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Category %(name)s saved. The points recorded from it keep their own "
                                        "copy.") % {"name": category.name})
            return redirect("risk_reports:category_detail", pk=category.pk)
    return render(request, "risk_reports/dictionary/category_form.html", {"form": form, "category": category})


def _switch(request, pk, service, done):
    category = scope.get_for(request.user, RiskCategory.objects.all(), caps.MANAGE_RISK_DICTIONARY,
                             _("Only the bureau edits the risk control dictionary."), pk=pk)
    try:
        category = service(category=category, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done % {"name": category.name})
    return redirect("risk_reports:category_detail", pk=category.pk)


@login_required
@require_POST
def category_deactivate(request, pk):
    return _switch(request, pk, services.category_deactivate,
                   _("Category %(name)s is out of use: no new point is recorded from it; the points already "
                     "recorded keep it."))


@login_required
@require_POST
def category_reactivate(request, pk):
    return _switch(request, pk, services.category_reactivate, _("Category %(name)s is in use again."))


# -- grading -----------------------------------------------------------------------------------------
def _method_data(user, method):
    scale = {}
    for row in scope.visible(user, GradingScale.objects.filter(method=method)).order_by("factor", "-value"):
        row.shown = plain(row.value)
        scale.setdefault(row.factor, []).append(row)
    bands = {row.level: row for row in scope.visible(user, GradingBand.objects.filter(method=method))}
    for band in bands.values():
        band.shown = plain(band.lower)
    return scale, bands


def _calculate(request, method, scale):
    """The calculator of ``method`` (a GET form): its form and its answer, if it was asked."""
    form = CalculatorForm(request.GET if request.GET.get("calc") == method.value else None,
                          method=method, scale=scale)
    result = None
    if form.is_bound and form.is_valid():
        try:
            score, level = risk_grade(method=method.value, values=form.cleaned_data)
        except ValidationError as exc:
            form_errors_from(form, exc)
        else:
            result = {"score": plain(score), "level": level, "level_display": RiskLevel(level).label}
    return form, result


@login_required
def grading(request):
    """The LEC and LS scales and bands; the bureau edits a method's whole scale and bands in one
    form (POST ``method``); everyone may try the calculator (GET)."""
    user = request.user
    may_edit = _may_edit(user)
    posted = request.POST.get("method") if request.method == "POST" else None
    if request.method == "POST":
        _require_edit(user)
    methods = []
    for method in GradingMethod:
        scale, bands = _method_data(user, method)
        form = None
        if may_edit:
            bound = posted == method.value
            form = GradingMethodForm(request.POST if bound else None, method=method, scale=scale, bands=bands)
            if bound and form.is_valid():
                try:
                    services.grading_method_save(method=method.value, by=user, scale=form.cleaned_data["scale"],
                                                 bands=form.cleaned_data["bands"])
                except ValidationError as exc:
                    form_errors_from(form, exc)
                else:
                    messages.success(request, _("%(method)s saved: points graded from now on use it; points "
                                                "already graded keep their class.") % {"method": method.label})
                    return redirect("risk_reports:grading")
        calculator, result = _calculate(request, method, scale)
        methods.append({
            "method": method, "factors": [(f, scale.get(f, [])) for f in METHOD_FACTORS[method]],
            "bands": sorted(bands.values(), key=lambda b: -b.lower), "form": form,
            "calculator": calculator, "result": result,
        })
    if posted is not None and posted not in GradingMethod.values:
        messages.error(request, _("Unknown grading method."))
    return render(request, "risk_reports/grading.html", {"methods": methods, "may_edit": may_edit})

