"""Risk points and scans for tests, made through the services (``point_create``, ``scan_record``)."""
import itertools
import secrets

from risk_reports.models import CheckCycle, GradingBasis, RiskCategory
from risk_reports.services.points import point_create
from risk_reports.services.scans import scan_record

_serial = itertools.count(1)


def make_point(enterprise, *, by=None, category=None, name=None, area="一车间", cycle=CheckCycle.DAY,
               level="yellow", **fields):
    """A point of ``enterprise`` with its live code; ``category`` a dictionary code or row (its copy is
    taken), ``level`` set by hand unless ``basis`` and ``values`` are given."""
    if isinstance(category, str):
        category = RiskCategory.objects.get(code=category)
    fields.setdefault("basis", GradingBasis.MANUAL)
    if fields["basis"] == GradingBasis.MANUAL:
        fields.setdefault("level", level)
        fields.setdefault("level_reason", "测试定级")
    fields.setdefault("check_items", list(category.check_items) if category else ["防护装置完好", "警示标志清晰",
                                                                                    "作业记录完整"])
    return point_create(enterprise=enterprise, by=by, category=category,
                        name=name or f"风险点{next(_serial)}", area=area, cycle=cycle,
                        responsible_person=fields.pop("responsible_person", "张安全"), **fields)


def make_scan(point, by, done_at, *, failed=(), by_principal=None):
    """A scan of ``point`` at ``done_at`` (aware) by ``by``; items whose index is in ``failed`` fail."""
    from enterprises.models import EnterpriseMembership

    if by_principal is None:
        by_principal = EnterpriseMembership.objects.filter(user=by, position="principal").exists()
    results = [{"item": item, "ok": i not in failed, "note": ""} for i, item in enumerate(point.check_items)]
    return scan_record(point=point, code=point.codes.get(revoked_at__isnull=True), by=by, by_principal=by_principal,
                       done_at=done_at, results=results, client_key=secrets.token_urlsafe(16), payload_hash="test")
