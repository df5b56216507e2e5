"""Risk reports (RULES.md §8; seed 000 item 2): a draft from the enterprise's live points, the
submission that freezes them, the township's acceptance or return with a reason, the change
report offered when a point's class changes to or from significant-or-above, and model
enterprises. ``scope.require`` first, then the record's state, inside one transaction."""
import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Status
from portal.accounts import capabilities as caps
from portal.accounts import scope
from portal.rules.services import threshold

from ..models import ModelEnterprise, ReportKind, ReportState, RiskLevel, RiskPoint, RiskReport, RiskReportItem

SIGNIFICANT = (RiskLevel.RED, RiskLevel.ORANGE)
DEADLINE = "risk.periodic_report_deadline"
FIRST_DAYS = "risk.first_report_days"
MODEL_MIN = "risk.model_enterprises_min"


def month_day(value, year):
    """The date in ``year`` of a threshold written M.DD (3.31 = 31 March); a day past the month's
    end is its last day (2.30 = the end of February)."""
    value = Decimal(value)
    month = int(value)
    day = int((value - month) * 100 + Decimal("0.5"))
    while day > 28:
        try:
            return datetime.date(year, month, day)
        except ValueError:
            day -= 1
    return datetime.date(year, month, day)


def periodic_deadline(year, region=None):
    """The day the periodic report of ``year`` is due (``risk.periodic_report_deadline``). One query."""
    return month_day(threshold(DEADLINE, region=region, on=datetime.date(year, 1, 1)), year)


def live_points(enterprise, on=None):
    on = on or timezone.localdate()
    return RiskPoint.objects.filter(Q(retired_on__isnull=True) | Q(retired_on__gt=on), enterprise=enterprise,
                                    created_on__lte=on)


def _by(user):
    return user if getattr(user, "pk", None) else None


def _locked(report):
    return RiskReport.objects.select_for_update().select_related("enterprise").get(pk=report.pk)


@transaction.atomic
def report_draft(*, enterprise, by, kind, year=None, note=""):
    """A draft report of ``enterprise``: it shows the live points until it is submitted."""
    scope.require(by, caps.MANAGE_RISK_POINTS, enterprise)
    if enterprise.status == Status.DEREGISTERED:
        raise ValidationError(_("The enterprise is deregistered: it reports no risks."))
    if kind not in ReportKind.values:
        raise ValidationError({"kind": _("A report is a first, periodic or change report.")})
    if kind == ReportKind.PERIODIC:
        if not year:
            raise ValidationError({"year": _("Name the year of the periodic report.")})
        if RiskReport.objects.filter(enterprise=enterprise, kind=kind, year=year).exists():
            raise ValidationError({"year": _("This year's periodic report already exists.")})
    else:
        year = None
    if kind == ReportKind.FIRST and RiskReport.objects.filter(enterprise=enterprise, kind=kind).exists():
        raise ValidationError({"kind": _("The enterprise already has a first report.")})
    report = RiskReport(enterprise=enterprise, kind=kind, year=year, note=(note or "").strip()[:300],
                        created_by=_by(by))
    report.full_clean()
    report.save()
    return report


@transaction.atomic
def report_submit(*, report, by):
    """Freeze the enterprise's live points into the report and send it to the township. Refused
    after acceptance, while awaiting review, and with no live point."""
    scope.require(by, caps.MANAGE_RISK_POINTS, report)
    report = _locked(report)
    if report.state not in (ReportState.DRAFT, ReportState.RETURNED):
        raise ValidationError(_("Only a draft or a returned report can be submitted; this one is %(state)s.")
                              % {"state": report.get_state_display()})
    points = list(live_points(report.enterprise).order_by("area", "name", "pk"))
    if not points:
        raise ValidationError(_("The enterprise has no risk point to report: record its risk points first."))
    report.items.all().delete()  # a returned report is frozen again
    RiskReportItem.objects.bulk_create([
        RiskReportItem(report=report, point=p, name=p.name, area=p.area, level=p.level, basis=p.basis,
                       score=p.score, factors=p.factors, accident_types=p.accident_types, measures=p.measures,
                       responsible_person=p.responsible_person, responsible_phone=p.responsible_phone)
        for p in points])
    report.state = ReportState.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = _by(by)
    report.township_id = report.enterprise.township_id
    report.return_reason = ""
    report.save(update_fields=["state", "submitted_at", "submitted_by", "township", "return_reason"])
    return report


def _require_submitted(report):
    if report.state != ReportState.SUBMITTED:
        raise ValidationError(_("Only a submitted report can be reviewed; this one is %(state)s.")
                              % {"state": report.get_state_display()})


@transaction.atomic
def report_accept(*, report, by):
    """The township (or the bureau) accepts a submitted report."""
    scope.require(by, caps.SUPERVISE, report)
    report = _locked(report)
    _require_submitted(report)
    report.state = ReportState.ACCEPTED
    report.accepted_at = timezone.now()
    report.accepted_by = _by(by)
    report.save(update_fields=["state", "accepted_at", "accepted_by"])
    return report


@transaction.atomic
def report_return(*, report, by, reason):
    """The township (or the bureau) sends a submitted report back with a reason; the enterprise
    corrects its points and submits again."""
    scope.require(by, caps.SUPERVISE, report)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the report is returned.")})
    if len(reason) > 300:
        raise ValidationError({"reason": _("The reason is at most 300 characters.")})
    report = _locked(report)
    _require_submitted(report)
    report.state = ReportState.RETURNED
    report.return_reason = reason
    report.returned_at = timezone.now()
    report.returned_by = _by(by)
    report.save(update_fields=["state", "return_reason", "returned_at", "returned_by"])
    return report


def change_report_offer(*, point, old_level):
    """After a re-grade: when the point's class changed to or from significant-or-above (or between
    red and orange), the enterprise is offered a change report — a draft, unless one is already
    open (its note then names this change too). Returns the draft, or None. Runs inside the
    grading's transaction."""
    new_level = point.level
    if old_level == new_level or (old_level not in SIGNIFICANT and new_level not in SIGNIFICANT):
        return None
    note = _("%(point)s: %(old)s → %(new)s") % {
        "point": str(point), "old": RiskLevel(old_level).label, "new": RiskLevel(new_level).label}
    open_ = (RiskReport.objects.select_for_update()
             .filter(enterprise_id=point.enterprise_id, kind=ReportKind.CHANGE,
                     state__in=(ReportState.DRAFT, ReportState.RETURNED)).order_by("-id").first())
    if open_ is not None:
        open_.note = f"{open_.note}；{note}"[:300] if open_.note else note[:300]
        open_.save(update_fields=["note"])
        return open_
    return RiskReport.objects.create(enterprise_id=point.enterprise_id, kind=ReportKind.CHANGE, note=note[:300])


@transaction.atomic
def model_enterprise_mark(*, enterprise, by, year):
    """The township (or the bureau) marks ``enterprise`` a model enterprise for risk reporting of ``year``."""
    scope.require(by, caps.SUPERVISE, enterprise)
    if enterprise.status != Status.PRODUCING:
        raise ValidationError(_("Only a producing enterprise can be a model enterprise."))
    if ModelEnterprise.objects.filter(enterprise=enterprise, year=year).exists():
        raise ValidationError(_("This enterprise is already a model enterprise this year."))
    try:
        with transaction.atomic():
            return ModelEnterprise.objects.create(enterprise=enterprise, year=year,
                                                  township_id=enterprise.township_id, marked_by=_by(by))
    except IntegrityError:
        raise ValidationError(_("This enterprise is already a model enterprise this year.")) from None


@transaction.atomic
def model_enterprise_unmark(*, model, by):
    scope.require(by, caps.SUPERVISE, model)
    model.delete()
