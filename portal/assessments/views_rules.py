"""The problem rules (issue 10 item 2): the list, one rule with a "try it" preview, and the bureau's
create, edit and deactivate. Holders of ``read_notices`` read the rules that apply to them; the
bureau (``issue_notices``) writes those of its region through ``services.problem_rule_*``, which ask
scope first — the API calls the same services. Out of scope is a 404, read-only a 403."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.figures import registry
from portal.figures.periods import Period
from portal.ui import form_errors_from, paginate, query_without

from . import problems, services
from .filters import ProblemRuleFilter
from .forms import ProblemRuleForm
from .models import ProblemRule


PLACEHOLDER_HELP = [
    ("{units}", gettext_lazy("the units named, joined with 、")),
    ("{values}", gettext_lazy("their values with the figure's unit, in the same order")),
    ("{each}", gettext_lazy("each unit followed by its value")),
    ("{threshold}", gettext_lazy("the threshold in force (above or below only)")),
    ("{figure}", gettext_lazy("the figure's name")),
    ("{count}", gettext_lazy("how many units are named")),
]


def _may_read(user):
    return scope.holds(user, caps.READ_NOTICES) or scope.holds(user, caps.ISSUE_NOTICES)


def _may_edit(user):
    return scope.can(user, caps.ISSUE_NOTICES)


def _rules(user):
    if not _may_read(user):
        raise Http404("No problem rules for this role")
    return scope.visible(user, ProblemRule.objects.select_related("region"))


def _refused():
    return PermissionDenied(_("Only the bureau writes the problem rules of its region."))


def _styled(filterset):
    for field in filterset.form.fields.values():
        field.widget.attrs["class"] = "form-select" if hasattr(field.widget, "choices") else "form-control"
    return filterset


def figure_label(name):
    """The figure's label (with its parameter's name), or None for a figure no longer registered."""
    try:
        return registry.get(name).label
    except LookupError:
        return None


@login_required
def problem_rule_list(request):
    user = request.user
    filterset = _styled(ProblemRuleFilter(request.GET or None, queryset=_rules(user)))
    qs = filterset.qs if not filterset.is_bound or filterset.is_valid() else filterset.queryset.none()
    page = paginate(request, qs.order_by("order", "pk"))
    labels = {f.name: f.label for f in registry.all()}
    for rule in page.object_list:
        rule.figure_label = labels.get(rule.figure.partition(":")[0])
    return render(request, "assessments/problem_rule_list.html", {
        "filter": filterset, "page": page, "query": query_without(request, "page"), "may_edit": _may_edit(user)})


def _preview(user, rule):
    """The rule over the live table of the current quarter: of the user's region when the rule applies
    there, else of the rule's own region (a rule of a region below the user's)."""
    root = scope.figure_root(user)
    if root is None:
        return {"error": _("Your account has no region whose units could be compared.")}
    region = root if rule.region is None or root.path.startswith(rule.region.path) else rule.region
    period = Period.containing(timezone.localdate())
    out = {"region": region, "period": period}
    try:
        table = registry.table([rule.figure], region, period)
        out["finding"] = problems.evaluate(rule, table)
    except LookupError as error:  # a figure unregistered since, a threshold with no version in force
        out["error"] = _("This rule cannot be evaluated now: %(reason)s") % {"reason": error}
        return out
    out["rows"] = [(row.region, row.cells[table.figures[0].name]) for row in table.rows]
    out["figure"] = table.figures[0]
    out["named"] = {r.pk for r, _c in out["finding"].units} if out["finding"] else set()
    return out


@login_required
def problem_rule_detail(request, pk):
    user = request.user
    rule, can_change = scope.get(user, _rules(user), pk=pk)
    return render(request, "assessments/problem_rule_detail.html", {
        "rule": rule, "may_edit": can_change and _may_edit(user), "figure_label": figure_label(rule.figure),
        "preview": _preview(user, rule) if request.GET.get("try") else None,
        "placeholders": PLACEHOLDER_HELP})


def _save(request, form, rule=None):
    user = request.user
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        if rule is None:
            rule = services.problem_rule_create(by=user, **form.service_fields())
        else:
            rule = services.problem_rule_update(rule=rule, by=user, **form.service_fields())
    except ValidationError as exc:
        form_errors_from(form, exc)
        return None
    messages.success(request, _("Problem rule “%(title)s” saved.") % {"title": rule.title})
    return redirect("assessments:problem_rule_detail", pk=rule.pk)


@login_required
def problem_rule_create(request):
    user = request.user
    _rules(user)  # 404 for a role that reads no rules
    if not _may_edit(user):
        raise _refused()
    form = ProblemRuleForm(request.POST or None, user=user, initial={"region": scope.bound_region(user),
                                                                      "active": True})
    saved = _save(request, form)
    return saved if saved is not None else render(request, "assessments/problem_rule_form.html", {
        "form": form, "rule": None, "figures": registry.all()})


@login_required
def problem_rule_edit(request, pk):
    user = request.user
    rule = scope.get_for(user, _rules(user), caps.ISSUE_NOTICES, _("Only the bureau writes the problem rules of "
                                                                   "its region."), pk=pk)
    form = ProblemRuleForm(request.POST or None, user=user, rule=rule)
    saved = _save(request, form, rule)
    return saved if saved is not None else render(request, "assessments/problem_rule_form.html", {
        "form": form, "rule": rule, "figures": registry.all()})


@login_required
@require_POST
def problem_rule_deactivate(request, pk):
    user = request.user
    rule = scope.get_for(user, _rules(user), caps.ISSUE_NOTICES, _("Only the bureau writes the problem rules of "
                                                                   "its region."), pk=pk)
    try:
        rule = services.problem_rule_deactivate(rule=rule, by=user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Problem rule “%(title)s” is out of use: the next notices name no problem "
                                    "by it.") % {"title": rule.title})
    return redirect("assessments:problem_rule_detail", pk=rule.pk)
