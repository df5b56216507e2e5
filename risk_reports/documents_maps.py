"""The PDFs of "one map, two cards, four lists" (一图两卡四清单; RULES.md §6, seed 003 附件1 item 6),
from the enterprise's records, laid out by the portal's WeasyPrint renderer (``portal.documents.render``,
the Fandol fonts embedded as subsets). Printed in Chinese whatever the UI language: they are posted
on the shop floor and filed with the enterprise's risk records.

- the map (安全风险平面分布图): each live floor plan with its points drawn as numbered dots in their
  class colour (red, orange, yellow, blue — the four-colour convention), a legend of the classes and
  a key of the numbers;
- the safety notice cards (安全风险告知卡) and the emergency response cards (应急处置卡), one of each
  for every live significant-or-above point (重大/较大: red or orange);
- the four lists: risks (风险清单), control measures (管控措施清单), hazards (问题隐患清单) and their
  rectification (问题隐患整改清单).

What the records hold decides what a card says: a point's factors, accident types (GB 6441), its
measures of four kinds and its responsible person; the enterprise's principal. Every queryset goes
through ``scope.visible``; the documents are what the asking user may see.
"""
import base64
import datetime

from django.db.models import Prefetch, Q
from django.utils import timezone

from inspections.models import Hazard, HazardStatus
from portal.accounts import scope
from portal.documents.render import cn_date, render_pdf

from .dictionary_catalogue import ACCIDENT_TYPES, MEASURE_KINDS
from .documents import CYCLE_TEXT, LEVEL_TEXT
from .models import PointPlacement, RiskLevel, RiskPoint, SitePlan

KINDS = {
    "map": ("risk_reports/doc_map.html", "安全风险平面分布图"),
    "notice": ("risk_reports/doc_notice_cards.html", "安全风险告知卡"),
    "emergency": ("risk_reports/doc_emergency_cards.html", "应急处置卡"),
    "lists": ("risk_reports/doc_lists.html", "风险管控四清单"),
}
LEVEL_ORDER = [RiskLevel.RED, RiskLevel.ORANGE, RiskLevel.YELLOW, RiskLevel.BLUE]
SIGNIFICANT = (RiskLevel.RED, RiskLevel.ORANGE)
ACCIDENT_TEXT = dict(ACCIDENT_TYPES)
MEASURE_TEXT = dict(MEASURE_KINDS)
BASIS_TEXT = {"lec": "LEC", "ls": "LS", "manual": "直接判定"}
HAZARD_STATUS_TEXT = {"reported": "待整改", "rectifying": "整改中", "submitted": "待验收", "closed": "已销号"}
HAZARD_SEVERITY_TEXT = {"general": "一般隐患", "major": "重大隐患"}
HAZARD_SOURCE_TEXT = {"inspection": "执法检查", "patrol": "网格巡查", "scan": "扫码自查", "self_check": "企业自查",
                      "report": "举报"}
# the numbers every emergency card ends with (public: fire, ambulance, police)
ALARM_NUMBERS = [("火警", "119"), ("急救", "120"), ("报警", "110")]
# the map's drawing area on A4 landscape inside 12 mm margins, under the title and above the key
MAP_BOX_MM = (273.0, 115.0)


def file_name(enterprise, kind):
    return f"{KINDS[kind][1]} {enterprise.name}.pdf"


def _live(today):
    return Q(retired_on__isnull=True) | Q(retired_on__gt=today)


def _points(user, enterprise, today):
    return scope.visible(user, RiskPoint.objects.filter(_live(today), enterprise=enterprise))


def _accidents(point):
    return [ACCIDENT_TEXT.get(code, code) for code in point.accident_types]


def _measures(point, kinds):
    return [(MEASURE_TEXT[kind], list(point.measures.get(kind) or [])) for kind in kinds]


def _data_uri(attachment):
    with attachment.file.open("rb") as f:
        return "data:image/jpeg;base64," + base64.b64encode(f.read()).decode("ascii")


def _fit(width, height):
    box_w, box_h = MAP_BOX_MM
    scale = min(box_w / width, box_h / height)
    return round(width * scale, 2), round(height * scale, 2)


def map_context(user, enterprise, today):
    """Each live plan with its points numbered in workshop and name order, their class and position
    in mm on the drawn image; the classes' counts over all plans. Three queries."""
    placements = (scope.visible(user, PointPlacement.objects.filter(point__in=_points(user, enterprise, today)))
                  .select_related("point").order_by("point__area", "point__name", "pk"))
    plans = list(scope.visible(user, SitePlan.objects.filter(enterprise=enterprise, retired_on__isnull=True))
                 .select_related("image").prefetch_related(Prefetch("placements", queryset=placements))
                 .order_by("site", "pk"))
    counts = {level: 0 for level in LEVEL_ORDER}
    drawn = []
    for plan in plans:
        if plan.image is None:
            continue
        w, h = _fit(plan.width, plan.height)
        marks = []
        for number, placement in enumerate(plan.placements.all(), start=1):
            point = placement.point
            counts[point.level] += 1
            marks.append({"number": number, "level": point.level, "level_text": LEVEL_TEXT[point.level],
                          "name": point.name, "area": point.area, "responsible": point.responsible_person,
                          "left": round(float(placement.x) * w, 2), "top": round(float(placement.y) * h, 2)})
        drawn.append({"site": plan.site, "image": _data_uri(plan.image), "width": w, "height": h, "marks": marks})
    legend = [{"level": level, "text": LEVEL_TEXT[level], "count": counts[level]} for level in LEVEL_ORDER]
    return {"plans": drawn, "legend": legend}


def cards_context(user, enterprise, today):
    """One card of each kind for every live significant-or-above point (red first)."""
    points = _points(user, enterprise, today).filter(level__in=SIGNIFICANT)
    order = {level: i for i, level in enumerate(LEVEL_ORDER)}
    cards = []
    for point in sorted(points, key=lambda p: (order[p.level], p.area, p.name)):
        cards.append({
            "name": point.name, "area": point.area, "level": point.level, "level_text": LEVEL_TEXT[point.level],
            "factors": list(point.factors), "accidents": _accidents(point),
            "measures": _measures(point, ("engineering", "management", "ppe")),
            "emergency": list(point.measures.get("emergency") or []),
            "check_items": list(point.check_items), "cycle": CYCLE_TEXT.get(point.cycle, point.cycle),
            "responsible": point.responsible_person, "phone": point.responsible_phone,
        })
    principal = None
    if enterprise.principal_name or enterprise.principal_phone:
        principal = {"name": enterprise.principal_name, "phone": enterprise.principal_phone}
    return {"cards": cards, "principal": principal, "alarms": ALARM_NUMBERS}


def _hazards(user, enterprise, year):
    """The hazards of the year (found in it) and any older one still open: the hazard list's rows."""
    start = datetime.date(year, 1, 1)
    end = datetime.date(year, 12, 31)
    qs = scope.visible(user, Hazard.objects.filter(enterprise=enterprise).filter(
        Q(found_on__gte=start, found_on__lte=end) | (Q(found_on__lt=start) & ~Q(status=HazardStatus.CLOSED))))
    return list(qs.select_related("reported_by").order_by("found_on", "pk"))


def lists_context(user, enterprise, today):
    order = {level: i for i, level in enumerate(LEVEL_ORDER)}
    points = sorted(_points(user, enterprise, today), key=lambda p: (order[p.level], p.area, p.name))
    risks = [{
        "name": p.name, "area": p.area, "factors": "；".join(p.factors), "accidents": "、".join(_accidents(p)),
        "basis": BASIS_TEXT.get(p.basis, p.basis), "score": p.score, "level": p.level,
        "level_text": LEVEL_TEXT[p.level], "responsible": p.responsible_person,
    } for p in points]
    measures = [{
        "name": p.name, "area": p.area, "level": p.level, "level_text": LEVEL_TEXT[p.level],
        "kinds": ["；".join(items) for _label, items in _measures(p, ("engineering", "management", "ppe",
                                                                        "emergency"))],
        "cycle": CYCLE_TEXT.get(p.cycle, p.cycle), "responsible": p.responsible_person,
    } for p in points]
    hazards = _hazards(user, enterprise, today.year)
    hazard_rows = [{
        "description": h.description, "location": h.location, "source": HAZARD_SOURCE_TEXT.get(h.source, h.source),
        "severity": HAZARD_SEVERITY_TEXT.get(h.severity, h.severity), "found_on": h.found_on,
        "status": HAZARD_STATUS_TEXT.get(h.status, h.status), "deadline": h.deadline,
        "measures": h.measures, "responsible": h.responsible_person, "funds": h.funds, "closed_on": h.closed_on,
        "emergency_plan": h.emergency_plan,
    } for h in hazards]
    return {"risks": risks, "measures": measures, "hazards": hazard_rows, "year": today.year,
            "measure_heads": [MEASURE_TEXT[k] for k in ("engineering", "management", "ppe", "emergency")]}


BUILDERS = {"map": map_context, "notice": cards_context, "emergency": cards_context, "lists": lists_context}


def document_pdf(kind, *, user, enterprise, today=None):
    """The PDF of ``kind`` (map, notice, emergency, lists) of ``enterprise`` as ``user`` sees it."""
    today = today or timezone.localdate()
    template, title = KINDS[kind]
    context = BUILDERS[kind](user, enterprise, today)
    context.update({"title": f"{enterprise.name} {title}", "doc_title": title, "enterprise": enterprise,
                    "date_text": cn_date(today)})
    return render_pdf(template, context)
