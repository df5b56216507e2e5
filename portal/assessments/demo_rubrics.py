"""Demo data for the two assessments (issue 12, "Demo"), before the quarters are frozen (order 75 <
the snapshots' 80) so that the snapshot demo picks the rubric figures up:

- the unit form's row 8 written by the bureau (as shipped it is incomplete);
- two quarters of scores in the bureau's district: each township scored quarterly by the district,
  and self-scored each month; up to eight producing enterprises of each township scored every
  month by their township (a few under 60, flagged); the city scores its districts quarterly;
- special-rectification plans: filed by three enterprises of each township, most approved, a few
  returned with reasons;
- the last quarter's random check by the district (enterprises and townships drawn at random) with
  findings, one of which lowers a township's quarterly score; a spot-check of the plan reviews.
"""
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from enterprises.models import Enterprise, Status
from grid.models import Region
from portal.demo import register
from portal.figures.periods import Period

from . import services_rubrics as services
from .models import RubricForm, RubricItem, Score

ORDER = 75  # after the apps that make records, before the quarter's snapshots (80)
PER_TOWNSHIP = 8
RETURN_REASONS = ["风险管控措施不具体，未结合本企业工艺特点", "方案未经主要负责人签批", "隐患治理步骤缺少时间节点"]
FINDINGS = [("企业“一图两单四清单”未上墙，风险告知卡缺失", 7, "3"), ("乡镇对企业方案审核流于形式，未提出修改意见", 5, "2"),
            ("专项检查记录不全，部分企业未检查", 9, None)]


def _pdf(name):
    return ContentFile(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", name=name)


def _points(rng, form, quality):
    """Hand points for each item around ``quality`` (0..1) of its points, in half points."""
    out = {}
    for item in form.items_list():
        if item.method != RubricItem.Method.HAND:
            continue
        share = min(1.0, max(0.0, rng.gauss(quality, 0.15)))
        out[item.number] = str((Decimal(round(float(item.points) * share * 2)) / 2).quantize(Decimal("0.1")))
    return out


def _months(quarter):
    return [Period.month(quarter.start.year, m) for m in range(quarter.start.month, quarter.end.month + 1)]


def build(ctx):
    rng = ctx.rng
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["city", "bureau"])
             .select_related("region")}
    bureau, city_user = users.get("bureau"), users.get("city")
    district = bureau.region if bureau and bureau.region else Region.objects.filter(
        level=Region.Level.DISTRICT).order_by("order", "code").first()
    if district is None:
        return
    unit_form = services.form_current(RubricForm.Kind.UNIT)
    if not unit_form.is_complete:
        items = []
        for item in unit_form.items_list():
            row = {f: getattr(item, f) for f in services.ITEM_FIELDS}
            if item.unfilled:
                row.update(title="重点行业领域专项整治（局补充）", unfilled=False,
                           requirement="冶金、粉尘涉爆等重点行业专项整治措施落实到位。证据：整治台账。")
            items.append(row)
        unit_form = services.form_edit(form=unit_form, by=None, title=unit_form.title, items=items)
    enterprise_form = services.form_current(RubricForm.Kind.ENTERPRISE)

    last = Period.containing(ctx.today).previous()
    quarters = [last.previous(), last]
    townships = list(district.children.filter(level=Region.Level.TOWNSHIP).order_by("order", "code"))
    quality = {t.pk: rng.uniform(0.6, 0.95) for t in townships}
    enterprises = {t.pk: list(Enterprise.objects.filter(township=t, status=Status.PRODUCING).order_by("pk")
                              [:PER_TOWNSHIP]) for t in townships}
    made = 0
    for quarter in quarters:
        for township in townships:
            services.score_unit(region=township, kind=Score.Kind.QUARTERLY, period=quarter, by=bureau,
                                points=_points(rng, unit_form, quality[township.pk]))
            made += 1
            for month in _months(quarter):
                services.score_unit(region=township, kind=Score.Kind.SELF, period=month, by=None,
                                    points=_points(rng, unit_form, min(1.0, quality[township.pk] + 0.05)))
                for enterprise in enterprises[township.pk]:
                    services.score_enterprise(enterprise=enterprise, period=month, by=None,
                                              points=_points(rng, enterprise_form, rng.uniform(0.45, 0.95)))
                    made += 2
        if city_user and city_user.region and district.parent_id == city_user.region_id:
            for other in city_user.region.children.order_by("order", "code"):
                services.score_unit(region=other, kind=Score.Kind.QUARTERLY, period=quarter, by=city_user,
                                    points=_points(rng, unit_form, rng.uniform(0.65, 0.95)))
                made += 1

    plans = returned = 0
    for township in townships:
        for index, enterprise in enumerate(enterprises[township.pk][:3]):
            plan = services.plan_file(enterprise=enterprise, by=None, title=f"{enterprise.name}专项整治实施方案",
                                      summary="目标：风险辨识全覆盖、隐患闭环整改；措施：全员责任制、双重预防。",
                                      files=[_pdf("专项整治方案.pdf")], year=ctx.today.year)
            plans += 1
            if index == 2 and returned < 4:
                services.plan_review(plan=plan, by=None, approve=False, reason=rng.choice(RETURN_REASONS))
                returned += 1
            elif index < 2:
                services.plan_review(plan=plan, by=None, approve=True)

    check = services.random_check_draw(region=district, by=bureau, period=last, enterprises=5,
                                       units=min(3, len(townships)), seed=ctx.seed)
    drawn = services.drawn(check)
    for unit, (text, item, points) in zip(drawn["units"], FINDINGS):
        services.finding_record(check=check, by=bureau, unit=unit, text=text, item_number=item, points=points)
    if drawn["enterprises"]:
        first = drawn["enterprises"][0]
        services.finding_record(check=check, by=bureau, unit=first.township, enterprise=first,
                                text="现场抽查：应急演练记录与实际不符")
    spot = services.review_spot_check(region=district, by=bureau, period=last, percent=30, seed=ctx.seed)
    for plan in services.drawn(spot)["plans"][:1]:
        services.finding_record(check=spot, by=bureau, unit=plan.township, plan=plan,
                                text="乡镇审核意见过于简单，未逐项核对")
    ctx.log(f"  {made} scores over {quarters[0].label} and {last.label}, {plans} plans ({returned} returned), "
            f"a random check with {check.findings.count()} findings")


register("assessments_rubrics", build, order=ORDER, populated=lambda: Score.objects.exists())
