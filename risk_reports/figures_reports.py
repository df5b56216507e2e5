"""The risk-report figures (issue 11 items 1 and 5; RULES.md §8, seed 000 item 2), registered in
``portal.figures.registry``; each is one grouped statement (the deadline-bound ones also read the
deadline threshold once per year of the period), every child present.

- reports submitted and accepted: by the township *at submission* and the day submitted/accepted;
- reports due and missing: the producing enterprises on the roster (current township), for each
  periodic deadline (``risk.periodic_report_deadline``) inside the period; missing = no periodic
  report of that year submitted by the deadline. A period without a deadline owes nothing;
- zero reports (零报告): key-sector or above-scale producing enterprises that submitted a report in
  the period and none of whose reports of the period lists a significant-or-above risk;
- model enterprises: marked for the year the period ends in, by their township, held to
  ``risk.model_enterprises_min``.
"""
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from enterprises.models import Enterprise, Status
from portal.figures import registry
from portal.figures.queries import grouped_counts, within

from .models import ModelEnterprise, ReportKind, ReportState, RiskReport, RiskReportItem
from .services.reports import SIGNIFICANT, periodic_deadline

SENT = (ReportState.SUBMITTED, ReportState.ACCEPTED, ReportState.RETURNED)


def _deadlines(region, period):
    """``[(year, deadline)]`` of the periodic deadlines inside the period."""
    out = []
    for year in range(period.start.year, period.end.year + 1):
        day = periodic_deadline(year, region)
        if period.start <= day <= period.end:
            out.append((year, day))
    return out


def _enterprise_counts(region, queryset):
    return grouped_counts(region, queryset, township="township", village="village", n=Count("pk"))


def _sum(region, tables):
    out = {} if tables else dict.fromkeys(region.children.values_list("path", flat=True), 0)
    for table in tables:
        for child, n in table.items():
            out[child] = out.get(child, 0) + n
    return out


def reports_due(region, period):
    """Producing enterprises owing a periodic report whose deadline falls in the period."""
    producing = Enterprise.objects.filter(status=Status.PRODUCING)
    return _sum(region, [_enterprise_counts(region, producing) for _year, _day in _deadlines(region, period)])


def reports_missing(region, period):
    """Producing enterprises with no periodic report of the year submitted by its deadline in the
    period (seed 000 item 2: enforcement on every enterprise that missed its report)."""
    tables = []
    for year, day in _deadlines(region, period):
        reported = RiskReport.objects.filter(enterprise=OuterRef("pk"), kind=ReportKind.PERIODIC, year=year,
                                             state__in=SENT, submitted_at__date__lte=day)
        tables.append(_enterprise_counts(region, Enterprise.objects.filter(status=Status.PRODUCING)
                                         .filter(~Exists(reported))))
    return _sum(region, tables)


def _sent_in(period):
    return RiskReport.objects.filter(within(period, "submitted_at__date"), state__in=SENT)


def reports_submitted(region, period):
    """Reports submitted in the period (any kind), under the township at submission."""
    return grouped_counts(region, _sent_in(period), n=Count("pk"))


def reports_accepted(region, period):
    """Reports accepted in the period, under the township at submission."""
    accepted = RiskReport.objects.filter(within(period, "accepted_at__date"), state=ReportState.ACCEPTED)
    return grouped_counts(region, accepted, n=Count("pk"))


def zero_report_enterprises(period):
    """Key-sector or above-scale producing enterprises that reported in the period and listed no
    significant-or-above risk in any report of the period (零报告; seed 000 item 2)."""
    sent = _sent_in(period).filter(enterprise=OuterRef("pk"))
    significant = RiskReportItem.objects.filter(
        report__enterprise=OuterRef("pk"), level__in=SIGNIFICANT, report__state__in=SENT,
        report__submitted_at__date__gte=period.start, report__submitted_at__date__lte=period.end)
    return Enterprise.objects.filter(Q(is_key_sector=True) | Q(above_scale=True), status=Status.PRODUCING).filter(
        Exists(sent), ~Exists(significant))


def zero_reports(region, period):
    return _enterprise_counts(region, zero_report_enterprises(period))


def model_enterprises(region, period):
    """Model enterprises for risk reporting of the year the period ends in, by the marking township."""
    return grouped_counts(region, ModelEnterprise.objects.filter(year=period.end.year), n=Count("pk"))


FIGURES = [
    ("risk.reports_due", _("Risk reports due"), "家", True, reports_due, ""),
    ("risk.reports_submitted", _("Risk reports submitted"), "份", True, reports_submitted, ""),
    ("risk.reports_accepted", _("Risk reports accepted"), "份", True, reports_accepted, ""),
    ("risk.reports_missing", _("Enterprises missing their risk report"), "家", False, reports_missing, ""),
    ("risk.zero_reports", _("Zero reports of significant risks"), "家", False, zero_reports, ""),
    ("risk.model_enterprises", _("Model enterprises for risk reporting"), "家", True, model_enterprises,
     "risk.model_enterprises_min"),
]

for _name, _label, _unit, _higher, _fn, _threshold in FIGURES:
    registry.register(_name, _label, _unit, _higher, _fn, kind="count", threshold=_threshold)
