"""Demo enforcement: a year of plans, inspections, hazards, penalties and a campaign in the demo
district (武进区), as the bureau would have them on file by the demo's today.

- Plans and the campaign go through the services (a few rows; the rules they check are the point):
  the district's annual plan (dust enterprises with ≥ 10 workers per shift due by the end of
  August — the seed's coverage target — plus a recorded random sample of 5 % of the key sector),
  one plan per township, a cross-inspection that widens 湖塘镇's inspector's scope while it is in
  force, and a 百日清零 campaign that ended a month ago with some targets not cleared.
- Inspections, checklist answers (from the shipped published checklists, which are then marked
  used), hazards, their events, extension requests, penalties and photos are written in bulk, in
  batches, as ``enterprises/demo.py`` does. Each row is in a state the services could have reached:
  report → plan → submit → (send back → submit) → verify, never past today; a deadline never before
  the finding; a closed hazard has its closing date and a verify or close-on-the-spot event; a major
  hazard names its criterion and is district supervised; a granted extension moved the deadline.
  The stored times (``at``, ``submitted_at``…) are the events' days, not the load's. Every photo
  row points at one of two stored demo pictures.

Volumes follow the roster: about 0.8 inspections per active enterprise of the district, each with
the failed items of its checklist as hazards, and a quarter as many enterprise self-check hazards.
The benchmark asks for exact volumes with ``ctx.shared["inspections.volumes"] = {"inspections": n,
"hazards": n}`` (hazards beyond the inspections' are self-checks and reports).
"""
import datetime
import io
import itertools
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enterprises.demo import GIVEN_CHARS, SURNAMES
from enterprises.models import Enterprise, EnterpriseChange, Status
from grid.models import Region
from portal.accounts.models import Role
from portal.attachments.models import Attachment
from portal.attachments.services import attachment_create
from portal.demo import bulk_insert, register

from .models import (Campaign, CheckingLevel, ChecklistItem, Hazard, HazardEvent, HazardExtension, HazardSeverity,
                     HazardSource, HazardStatus, Inspection, InspectionAnswer, InspectionKind, InspectionPlan,
                     MajorHazardCriterion, Penalty, PlanItem)
from .notifications import hazard_deadline_notices
from .services import (campaign_create, campaign_not_cleared, checking_level_for, checklist_current,
                       checklist_mark_used, hazard_suspend, plan_create, plan_items_add, plan_items_sample)

BATCH = 5000
CHUNK = 2000  # inspections generated and written at a time (bounded memory at benchmark sizes)
DISTRICT = "320412"
DAY = datetime.timedelta(days=1)
S, A = HazardStatus, HazardEvent.Action
DOMAIN_CHECKLISTS = ("smelting", "dust", "confined_space")  # a key domain's own checklist has the domain's code

# What an inspector writes for the items most often failed; other items: the item's own words.
FINDINGS = {
    "GEN-05": "三级安全教育培训档案不全，新入职员工未见培训记录", "GEN-07": "隐患排查治理台账未及时更新，部分隐患未闭环",
    "GEN-10": "应急预案未按规定组织演练，无演练记录和评估", "GEN-11": "打磨岗位员工未佩戴防尘口罩和护目镜",
    "GEN-12": "车间灭火器压力不足，部分安全出口被货物堵塞", "GEN-13": "配电箱未设置漏电保护装置，现场私拉乱接电线",
    "GEN-14": "冲床防护罩缺失，急停按钮失效", "GEN-15": "叉车未按期检验，检验合格标志过期",
    "GEN-16": "动火作业未办理审批手续，现场无专人监护", "GEN-17": "危险区域未设置安全警示标志",
    "GEN-18": "油漆与稀释剂混放，未设置危化品专用储存间", "GEN-19": "员工宿舍设置在生产车间楼上",
    "DUST-12": "除尘器及车间梁柱积尘严重，未落实粉尘清理制度", "DUST-07": "干式除尘器未设置泄爆装置",
    "CS-01": "未建立有限空间管理台账，污水池未设置安全警示标志", "SM-04": "熔融金属泼溅区域地面存在积水",
}
LOCATIONS = ["一号车间", "二号车间", "三号车间", "打磨车间", "喷涂车间", "仓库", "配电房", "除尘器区域", "污水处理池",
             "熔炼车间", "原料堆场", "办公楼", "危化品仓库", "装配车间", "厂区道路"]
SELF_CHECK = ["消防通道堆放杂物", "灭火器过期未更换", "车间照明线路老化", "货架超载，未张贴限重标识", "叉车司机未持证上岗",
              "砂轮机防护罩缺失", "应急照明灯损坏", "气瓶未固定，无防倾倒措施", "楼梯扶手松动", "危化品安全标签脱落"]
MEASURES = ["立即清理并落实每日检查制度", "更换损坏设施，完善防护装置", "组织专项培训并补齐档案", "委托专业单位整改",
            "增设安全警示标志并告知员工", "停用相关设备，整改完成后复用"]
INTERIM = ["整改期间停用相关设备，设专人看护", "设置警戒区域，禁止无关人员进入", "加强巡查，配备临时消防器材"]
SUBMIT_NOTES = ["已按要求完成整改，附整改后照片", "整改完成，相关制度和记录已补齐", "已更换设施并组织员工学习"]
SEND_BACK = ["整改照片不能反映整改部位，请补充现场照片", "现场复核仍未整改到位，请继续整改", "整改措施不彻底，请重新落实"]
EXTENSION_REASONS = ["设备需厂家定制，供货周期较长", "需停产检修，安排在订单间隙", "整改工程量大，需委托设计施工"]
REFUSALS = ["理由不充分，请按原期限完成整改", "该隐患须立即整改，不予延期"]
PENALTIES = [  # (violation, legal basis, fines in thousands of yuan)
    ("未采取措施消除事故隐患", "《中华人民共和国安全生产法》第一百零二条", (10, 20, 50)),
    ("未按照规定对从业人员进行安全生产教育和培训", "《中华人民共和国安全生产法》第九十七条第（三）项", (10, 20, 30)),
    ("未在有较大危险因素的生产经营场所和有关设施、设备上设置明显的安全警示标志",
     "《中华人民共和国安全生产法》第九十九条第（一）项", (10, 20, 50)),
    ("特种作业人员未按照规定经专门的安全作业培训并取得相应资格，上岗作业",
     "《中华人民共和国安全生产法》第九十七条第（七）项", (20, 50)),
    ("粉尘防爆安全设施未按规定设置和维护", "《工贸企业粉尘防爆安全规定》第二十九条", (30, 50, 100)),
]
SUMMARY = {0: "检查未发现问题。", 1: "检查发现问题{n}项，已责令限期整改。"}
AGE_WEIGHTS = [  # (max age in days, {scenario: weight}) for hazards not fixed on the spot
    (6, {"reported": 45, "rectifying": 30, "submitted": 10, "closed": 10, "sent_back": 5}),
    (30, {"reported": 12, "rectifying": 30, "submitted": 18, "sent_back": 6, "closed": 30, "closed_sent_back": 4}),
    (90, {"reported": 4, "rectifying": 12, "submitted": 7, "sent_back": 3, "closed": 66, "closed_sent_back": 8}),
    (10 ** 6, {"reported": 1, "rectifying": 4, "submitted": 2, "sent_back": 1, "closed": 82, "closed_sent_back": 10}),
]
STEPS = {"reported": [], "rectifying": ["plan"], "submitted": ["plan", "submit"],
         "sent_back": ["plan", "submit", "send_back"], "closed": ["plan", "submit", "verify"],
         "closed_sent_back": ["plan", "submit", "send_back", "submit", "verify"]}
MOVES = {"plan": (S.REPORTED, S.RECTIFYING), "submit": (S.RECTIFYING, S.SUBMITTED),
         "send_back": (S.SUBMITTED, S.RECTIFYING), "verify": (S.SUBMITTED, S.CLOSED)}
# Every state shows in even a small demo: (scenario, extension, min age, max age) given to the first fitting hazards.
SHOWCASE = [("reported", None, 0, 25), ("rectifying", None, 0, 25), ("submitted", None, 1, 25),
            ("sent_back", None, 3, 40), ("closed", None, 10, 365), ("closed_sent_back", None, 20, 365),
            ("overdue", None, 30, 200), ("rectifying", "pending", 0, 25), ("closed", "granted", 20, 365),
            ("rectifying", "refused", 10, 60), ("overdue", "refused", 40, 200)]


@dataclass
class Visit:
    enterprise: object  # _E
    day: datetime.date
    kind: str = InspectionKind.ENFORCEMENT
    plan_item: int | None = None
    campaign: bool = False
    fails: int | None = None  # None: drawn
    forced: list = field(default_factory=list)  # scenarios for its hazards, in order
    majors: list = field(default_factory=list)  # campaign outcomes of forced major hazards


@dataclass
class _E:
    pk: int
    township: int
    principal: str
    domains: frozenset
    key: bool


def _photo(colour):
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 240), colour)
    draw = ImageDraw.Draw(image)
    for i in range(0, 320, 40):
        draw.rectangle([i, 140 + (i % 80), i + 30, 230], fill=(90 + i // 4, 90, 90))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


class _Enforcement:
    def __init__(self, ctx, volumes):
        self.ctx, self.rng, self.today = ctx, random.Random(f"inspections-{ctx.seed}"), ctx.today
        self.year, self.now = self.today.year, timezone.now()
        self.window_start = self.today - datetime.timedelta(days=364)
        self.district = Region.objects.get(code=DISTRICT)
        self.townships = list(self.district.children.filter(level=Region.Level.TOWNSHIP).order_by("order", "code"))
        self.bureau = ctx.users.get("bureau")
        hutang = ctx.users.get("hutang")  # the demo's township inspector: 湖塘镇's plans and the cross-inspection
        ours = (hutang is not None and hutang.role == Role.TOWNSHIP_INSPECTOR
                and hutang.region.parent_id == self.district.pk)
        self.inspector = hutang if ours else None
        qiye = ctx.users.get("qiye")
        membership = getattr(qiye, "enterprise_membership", None) if qiye is not None else None
        self.enterprise_users = {membership.enterprise_id: qiye} if membership else {}
        rows = (Enterprise.objects.filter(township__parent=self.district).exclude(status=Status.DEREGISTERED)
                .order_by("pk").values_list("pk", "township_id", "principal_name", "is_key_sector"))
        domains = {}
        for eid, code in Enterprise.key_domains.through.objects.filter(
                enterprise__township__parent=self.district).values_list("enterprise_id", "keydomain__code"):
            domains.setdefault(eid, set()).add(code)
        self.enterprises = [_E(pk, t, p or "", frozenset(domains.get(pk, ())), k) for pk, t, p, k in rows]
        self.by_pk = {e.pk: e for e in self.enterprises}
        self.transfers = {e: (d, f) for e, d, f in EnterpriseChange.objects.filter(
            kind=EnterpriseChange.Kind.TRANSFER, enterprise__township__parent=self.district).order_by(
            "effective_date").values_list("enterprise_id", "effective_date", "from_township_id")}
        n = len(self.enterprises)
        self.volumes = {"inspections": round(0.8 * n), **(volumes or {})}
        self.checklists = {code: checklist_current(code) for code in ("general", "dust", "smelting", "confined_space")}
        self.items = {code: list(ChecklistItem.objects.filter(template=t).order_by("order", "code"))
                      for code, t in self.checklists.items() if t is not None}
        criteria = list(MajorHazardCriterion.objects.filter(active=True).select_related("key_domain"))
        self.criterion_by_text = {c.text: c for c in criteria}
        self.criteria_by_domain = {}
        for c in criteria:
            self.criteria_by_domain.setdefault(c.key_domain.code if c.key_domain_id else None, []).append(c)
        self.officers = self._officers()
        self.showcase = list(SHOWCASE)
        self.used_templates, self.penalties, self.spare, self.photos = set(), [], [], {}
        self.left_undone = None  # a plan item no visit is made for (see plans())
        self.counts = {"inspections": 0, "answers": 0, "hazards": 0, "events": 0, "extensions": 0, "photos": 0}
        self.status_counts = {}

    # -- people ---------------------------------------------------------------------------------------
    def _person(self):
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN_CHARS, k=self.rng.choice((1, 2, 2))))

    def _officers(self):
        """Each township's enforcement officers (name, certificate no.), the inspector account first."""
        pools = {}
        for index, township in enumerate(self.townships, start=1):
            names = [self._person() for _i in range(6)]
            if self.inspector is not None and township.pk == self.inspector.region_id and self.inspector.full_name:
                names[0] = self.inspector.full_name
            pools[township.pk] = [(name, f"{DISTRICT}{index:02d}{k:03d}") for k, name in enumerate(names, start=101)]
        return pools

    def submitter(self, township_id):
        if self.inspector is not None and township_id == self.inspector.region_id:
            return self.inspector
        return self.bureau

    def township_on(self, e, day):
        moved = self.transfers.get(e.pk)
        return moved[1] if moved and day < moved[0] else e.township

    def day_between(self, start, end):
        """A day from ``start`` to ``end`` within the demo's year (never after today)."""
        end = min(end, self.today)
        start = min(max(start, self.window_start), end)
        return start + datetime.timedelta(days=self.rng.randint(0, (end - start).days))

    # -- plans and the campaign (services) ------------------------------------------------------------
    def plans(self):
        y, rng, bureau = self.year, self.rng, self.bureau
        objects = {e.pk: e for e in Enterprise.objects.filter(township__parent=self.district)
                   .exclude(status=Status.DEREGISTERED).select_related("township")}
        district_plan = plan_create(
            region=self.district, by=bureau, title=f"{self.district.name}{y}年度安全生产执法检查计划", year=y,
            description="涉爆粉尘 10 人以上企业 8 月底前全覆盖；重点行业领域企业随机抽查 5%。")
        dust10 = [e for e in objects.values() if "dust" in self.by_pk[e.pk].domains and e.dust_workers_per_shift >= 10]
        if dust10:
            plan_items_add(plan=district_plan, by=bureau, enterprises=dust10, due_date=datetime.date(y, 8, 31),
                           source=PlanItem.Source.FILTER)
        key = Enterprise.objects.filter(township__parent=self.district, is_key_sector=True)
        if key.exclude(status=Status.DEREGISTERED).exists():
            plan_items_sample(plan=district_plan, by=bureau, queryset=key, due_date=datetime.date(y, 11, 30), percent=5,
                              seed=self.ctx.seed, description="重点行业领域企业，随机抽取 5%")
        quarters = [datetime.date(y, 3, 31), datetime.date(y, 6, 30), datetime.date(y, 9, 30), datetime.date(y, 12, 31)]
        for township in self.townships:
            by = self.submitter(township.pk)
            plan = plan_create(region=township, by=by, title=f"{township.name}{y}年度安全生产监督检查计划", year=y)
            picked = [objects[e.pk] for e in self.enterprises
                      if e.township == township.pk and rng.random() < (0.6 if e.key else 0.15)]
            for q, due in enumerate(quarters):
                group = picked[q::4]
                if group:
                    plan_items_add(plan=plan, by=by, enterprises=group, due_date=due)
        if self.inspector is not None:
            others = [t for t in self.townships if t.pk != self.inspector.region_id]
            target = next((t for t in others if t.name == "洛阳镇"), others[0] if others else None)
            pool = [objects[e.pk] for e in self.enterprises if target and e.township == target.pk]
            if pool:
                start = max(datetime.date(y, 1, 1), self.today - datetime.timedelta(days=40))
                end = min(datetime.date(y, 12, 31), self.today + datetime.timedelta(days=40))
                plan = plan_create(region=self.district, by=bureau, kind=InspectionPlan.Kind.CROSS, year=y, start=start,
                                   end=end, title=f"{y}年度跨镇交叉执法检查（{self.inspector.region.name}查{target.name}）")
                chosen = rng.sample(pool, min(len(pool), max(4, len(self.enterprises) // 300)))
                soon = max(start, self.today - datetime.timedelta(days=7))
                for group, due in ((chosen[::2], soon), (chosen[1::2], end)):
                    if group:
                        plan_items_add(plan=plan, by=bureau, enterprises=group, due_date=due, assignee=self.inspector)
                # one assigned item left undone past its due date: the inspector's to-do on any day but 1 January
                self.left_undone = plan.items.filter(due_date=soon).order_by("pk").values_list("pk", flat=True).first()
        return InspectionPlan.objects.filter(year=y, region__in=[self.district, *self.townships])

    def campaign(self):
        end = self.today - datetime.timedelta(days=30)
        start = end - datetime.timedelta(days=99)
        wanted = max(6, round(0.05 * len(self.enterprises)))
        first = [e for e in self.enterprises if e.domains & {"dust", "smelting", "confined_space"}]
        taken = {e.pk for e in first}
        rest = [e for e in self.enterprises if e.key and e.pk not in taken]
        self.rng.shuffle(first)
        self.rng.shuffle(rest)
        targets = (first + rest)[:wanted] or self.enterprises[:wanted]
        return campaign_create(
            region=self.district, by=self.bureau, kind=Campaign.Kind.HUNDRED_DAYS, start=start, end=end,
            name=f"{end.year}年工贸行业重大事故隐患“百日清零”专项行动",
            description="对涉爆粉尘、金属冶炼、有限空间作业企业开展重大事故隐患排查整治，百日内动态清零。",
            targets=Enterprise.objects.filter(pk__in=[e.pk for e in targets]).select_related("township"))

    def running_campaign(self):
        """A special rectification in progress today (started three weeks ago, six weeks to go), so the
        campaign pages show a running campaign beside the ended 百日清零 whatever the demo's date."""
        start, end = self.today - datetime.timedelta(days=20), self.today + datetime.timedelta(days=40)
        pool = [e for e in self.enterprises if "confined_space" in e.domains] or self.enterprises
        targets = self.rng.sample(pool, min(len(pool), max(4, len(self.enterprises) // 100)))
        return campaign_create(
            region=self.district, by=self.bureau, kind=Campaign.Kind.SPECIAL, start=start, end=end,
            name=f"{start.year}年工贸行业有限空间作业安全专项整治",
            description="排查有限空间辨识、审批、通风检测和应急救援措施落实情况。",
            targets=Enterprise.objects.filter(pk__in=[e.pk for e in targets]).select_related("township"))

    # -- who is inspected when ----------------------------------------------------------------------
    def visits(self, plans, campaign):
        rng, today, visits = self.rng, self.today, []
        items = PlanItem.objects.filter(plan__in=plans).values_list("pk", "enterprise_id", "due_date", "plan__kind",
                                                                      "plan__start")
        for pk, eid, due, kind, plan_start in items:
            e = self.by_pk.get(eid)
            if e is None or pk == self.left_undone:
                continue
            earliest = max(plan_start, due - datetime.timedelta(days=85))
            if due <= today and rng.random() < 0.9:
                day = (self.day_between(earliest, due) if rng.random() < 0.93
                       else self.day_between(due + DAY, due + datetime.timedelta(days=30)))
            elif due > today and earliest <= today and rng.random() < (0.45 if (due - today).days < 90 else 0.08):
                day = self.day_between(earliest, today)
            else:
                continue
            visits.append(Visit(e, day, InspectionKind.CROSS if kind == InspectionPlan.Kind.CROSS else
                                InspectionKind.ENFORCEMENT, plan_item=pk))
        outcomes = ["cleared", "late", "open"]
        for eid in campaign.targets.order_by("pk").values_list("pk", flat=True):
            if rng.random() < 0.8 or outcomes:
                last = campaign.end - datetime.timedelta(days=10) if outcomes else campaign.end
                visit = Visit(self.by_pk[eid], self.day_between(campaign.start, last), campaign=True)
                if outcomes:
                    visit.majors, visit.fails = [outcomes.pop(0)], 1
                visits.append(visit)
        for eid, _user in self.enterprise_users.items():
            if eid in self.by_pk:  # the enterprise account sees a hazard at every step it acts on
                forced = [("reported", None), ("rectifying", "pending"), ("submitted", None), ("sent_back", None),
                          ("overdue", None), ("due_soon", None)]
                visits.append(Visit(self.by_pk[eid], today - datetime.timedelta(days=12), fails=len(forced),
                                    forced=forced))
                visits.append(Visit(self.by_pk[eid], today - datetime.timedelta(days=150), fails=2,
                                    forced=[("closed", None), ("closed_sent_back", None)]))
        weights = list(itertools.accumulate(3 if e.key else 1 for e in self.enterprises))
        kinds = [InspectionKind.ENFORCEMENT, InspectionKind.VERIFICATION, InspectionKind.SUPERVISORY]
        kind_weights = [7, 2, 1]
        for _i in range(max(0, self.volumes["inspections"] - len(visits))):
            e = rng.choices(self.enterprises, cum_weights=weights)[0]
            visits.append(Visit(e, self.day_between(self.window_start, today), rng.choices(kinds, kind_weights)[0]))
        visits.sort(key=lambda v: (v.day, v.enterprise.pk))
        return visits

    # -- one hazard's life ----------------------------------------------------------------------------
    def scenario(self, age, major):
        for pos, (scenario, ext, low, high) in enumerate(self.showcase):
            if low <= age <= high and not (major and ext):
                del self.showcase[pos]
                return scenario, ext
        weights = next(w for limit, w in AGE_WEIGHTS if age <= limit)
        scenario = self.rng.choices(list(weights), list(weights.values()))[0]
        ext = None
        if self.rng.random() < 0.07:
            ext = self.rng.choices(["granted", "refused", "pending"], [6, 3, 1])[0]
        return scenario, ext

    def life(self, h, scenario, ext, *, reporter, verifier, company, close_range=None):
        """Fill ``h``'s status, deadline and closing from ``scenario`` and return its events
        ``[(action, day, from, to, note, by)]`` and its extension (or None)."""
        rng, today, found = self.rng, self.today, h.found_on
        overdue, due_soon = scenario == "overdue", scenario == "due_soon"
        if overdue:
            scenario = rng.choice(["reported", "rectifying"])
        if due_soon:  # rectifying, its deadline in the next three days (the to-dos' warning window)
            scenario, ext = "rectifying", None
        if close_range is not None and close_range[0] > close_range[1]:
            close_range = None
        if scenario in ("closed", "closed_sent_back") and (close_range or (found + DAY, today))[0] > today:
            scenario = "reported"
        span = rng.choice((30, 60, 90) if h.severity == HazardSeverity.MAJOR else (7, 15, 15, 30, 30, 45, 60))
        if overdue:
            span = min(span, max(0, (today - found).days - 1 - (30 if ext == "refused" else 0)))
        elif due_soon:
            span = (today - found).days + rng.randint(1, 3)
        deadline = found + datetime.timedelta(days=span)
        closing = scenario.startswith("closed")
        if ext == "pending" and scenario not in ("reported", "rectifying"):
            ext = "granted"
        if not closing and not overdue and deadline < today and ext is None and rng.random() < 0.45:
            ext = "granted"  # an open hazard past its first deadline was often given more time
        new_deadline = None
        if ext:
            new_deadline = deadline + datetime.timedelta(days=rng.choice((15, 30, 30, 60)))
            if ext == "granted" and not closing and not overdue and new_deadline < today:
                new_deadline = today + datetime.timedelta(days=rng.randint(3, 30))
        final = new_deadline if ext == "granted" else deadline
        steps = STEPS[scenario]
        if closing:
            low, high = close_range or (found + DAY, today)
            late = rng.random() >= 0.85
            window = ((max(low, final + DAY), min(high, final + datetime.timedelta(days=40))) if late
                      else (low, min(final, high)))
            low, high = window if window[0] <= window[1] else (low, high)
            end = low + datetime.timedelta(days=rng.randint(0, (high - low).days))
        else:
            end = min(today, found + datetime.timedelta(days=rng.randint(0, 60)))
            end = max(end, found)
        days = sorted(found + datetime.timedelta(days=rng.randint(0, (end - found).days)) for _s in steps)
        if closing:
            days[-1] = end
        events, status = [("report", found, "", S.REPORTED, "", reporter)], S.REPORTED
        for step, day in zip(steps, days):
            frm, status = MOVES[step]
            note = {"submit": rng.choice(SUBMIT_NOTES), "send_back": rng.choice(SEND_BACK),
                    "verify": "经现场复核，已整改到位，同意销号"}.get(step, "")
            events.append((step, day, frm, status, note, verifier if step in ("send_back", "verify") else company))
        extension = None
        if ext:
            j = next((i for i, e in enumerate(events) if e[0] == "submit"), len(events))
            if ext == "pending" and j < len(events):
                ext = "granted"
            low = events[j - 1][1]
            high = events[j][1] if j < len(events) else max(low, min(today, low + datetime.timedelta(days=20)))
            asked, decided = sorted(low + datetime.timedelta(days=rng.randint(0, (high - low).days)) for _i in range(2))
            at_status = events[j - 1][3]
            reason = rng.choice(EXTENSION_REASONS)
            extension = HazardExtension(old_deadline=deadline, new_deadline=new_deadline, reason=reason,
                                        status=ext, requested_by_id=company.pk if company is not None else None)
            inserted = [("extension_request", asked, at_status, at_status,
                         f"申请延期至{new_deadline.isoformat()}：{reason}", company)]
            if ext != "pending":
                extension.decided_by_id = verifier.pk
                extension.decision_note = "" if ext == "granted" else rng.choice(REFUSALS)
                action = A.EXTENSION_GRANT if ext == "granted" else A.EXTENSION_REFUSE
                inserted.append((action, decided, at_status, at_status, extension.decision_note, verifier))
            events[j:j] = inserted
        h.status, h.deadline = status, final
        if status != S.REPORTED:
            h.responsible_person = h.enterprise_principal or self._person()
            h.measures, h.emergency_plan = rng.choice(MEASURES), rng.choice(INTERIM)
            h.funds = rng.choice((0, 500, 1000, 2000, 5000, 10000)) * (10 if h.severity == HazardSeverity.MAJOR else 1)
        if status == S.CLOSED:
            h.closed_on, h.closed_by_id = events[-1][1], verifier.pk
        return events, extension

    def moment(self, day, hour=None):
        """An aware time on ``day``: at ``hour``, else some time in office hours."""
        hour = self.rng.randint(8, 16) if hour is None else hour
        naive = datetime.datetime.combine(day, datetime.time(hour, self.rng.randint(0, 59)))
        return min(timezone.make_aware(naive, timezone.get_default_timezone()), self.now)

    # -- writing --------------------------------------------------------------------------------------
    def verifier(self, township_id, major):
        return self.bureau if major else self.submitter(township_id)

    def hazard(self, *, e, township, found, source, inspection=None, item=None, description, criterion=None,
               reporter=None, scenario=None, close_range=None):
        """A hazard and its events (not yet written)."""
        rng, major = self.rng, criterion is not None
        h = Hazard(enterprise_id=e.pk, township_id=township, source=source,
                   item_code=item.code if item else "",
                   severity=HazardSeverity.MAJOR if major else HazardSeverity.GENERAL,
                   major_criterion_id=criterion.pk if major else None, description=description,
                   location=rng.choice(LOCATIONS), found_on=found, deadline=found, district_supervised=major,
                   reported_by_id=reporter.pk if reporter is not None else None)
        h.found_by, h.enterprise_principal = inspection, e.principal  # for write() and life()
        company = self.enterprise_users.get(e.pk)
        if scenario is None and not major and source == HazardSource.INSPECTION and rng.random() < 0.15:
            scenario = ("spot", None)
        if scenario == ("spot", None):
            h.status, h.on_the_spot, h.closed_on = S.CLOSED, True, found
            h.closed_by_id = reporter.pk if reporter is not None else None
            events = [("report", found, "", S.REPORTED, "", reporter),
                      ("close_on_spot", found, S.REPORTED, S.CLOSED, "", reporter)]
            return h, events, None
        scenario, ext = scenario or self.scenario((self.today - found).days, major)
        events, extension = self.life(h, scenario, ext, reporter=reporter, verifier=self.verifier(township, major),
                                      company=company, close_range=close_range)
        return h, events, extension

    def criterion_for(self, item, checklist_code):
        found = self.criterion_by_text.get(item.major_criterion)
        if found is not None:
            return found
        domain = checklist_code if checklist_code in DOMAIN_CHECKLISTS else None
        pool = self.criteria_by_domain.get(domain) or self.criteria_by_domain.get(None) or []
        return self.rng.choice(pool) if pool else None

    def checklist_for(self, e):
        for code in DOMAIN_CHECKLISTS:
            if code in e.domains and code in self.items and self.rng.random() < 0.75:
                return code
        return "general"

    def inspect(self, visit, campaign):
        """The inspection of ``visit``, its answers, and its hazards with their events."""
        rng, e = self.rng, visit.enterprise
        township = self.township_on(e, visit.day)
        code = self.checklist_for(e)
        template, items = self.checklists[code], self.items[code]
        self.used_templates.add(template.pk)
        submitter = self.submitter(township) if visit.kind != InspectionKind.CROSS else self.inspector
        pool = self.officers[self.inspector.region_id if visit.kind == InspectionKind.CROSS else township]
        officer_1, officer_2 = rng.sample(pool, 2)
        fails = visit.fails
        if fails is None and visit.kind == InspectionKind.VERIFICATION:  # a follow-up finds little
            fails = rng.choice((0, 0, 1))
        elif fails is None:
            fails = rng.choices(range(6), [35, 25, 18, 10, 7, 5])[0]
        if visit.majors:
            failed = [rng.choice([i for i in items if i.major_criterion] or items)]
        elif visit.forced:  # one distinct item per forced scenario (drawn with replacement, some would merge)
            failed = rng.sample(items, min(len(items), max(fails, len(visit.forced))))
        else:
            weights = [4 if i.code in FINDINGS else 1 for i in items]
            failed = list(dict.fromkeys(rng.choices(items, weights, k=fails)))
        inspection = Inspection(
            kind=visit.kind, enterprise_id=e.pk, township_id=township, inspected_on=visit.day, checklist=template,
            # seed 001 (二): verification checks by province, city and district, and the submitter's own
            checking_level=((CheckingLevel.PROVINCE, CheckingLevel.CITY, CheckingLevel.DISTRICT,
                             checking_level_for(submitter))[e.pk % 4]
                            if visit.kind == InspectionKind.VERIFICATION else checking_level_for(submitter)),
            plan_item_id=visit.plan_item, campaign=campaign if visit.campaign else None,
            officer_1_name=officer_1[0], officer_1_certificate=officer_1[1], officer_2_name=officer_2[0],
            officer_2_certificate=officer_2[1], summary=SUMMARY[min(len(failed), 1)].format(n=len(failed)),
            submitted_by=submitter, submitted_at=self.moment(visit.day))
        answers, hazards = [], []
        descriptions = {}
        for item in failed:
            descriptions[item.pk] = FINDINGS.get(item.code) or f"{item.section}不符合要求：{item.text.rstrip('。')}"
        for item in items:
            result = (InspectionAnswer.Result.FAIL if item.pk in descriptions else
                      InspectionAnswer.Result.NOT_APPLICABLE if rng.random() < 0.04 else InspectionAnswer.Result.PASS)
            answers.append((inspection, item, result, descriptions.get(item.pk, "")))
        forced, majors = list(visit.forced), list(visit.majors)
        for item in failed:
            criterion, close_range, scenario = None, None, forced.pop(0) if forced else None
            major_odds = 0.5 if visit.campaign else 0.2
            if majors or (item.major_criterion and scenario is None and rng.random() < major_odds):
                criterion = self.criterion_for(item, code)
            if criterion is not None and visit.campaign:
                outcome = majors.pop(0) if majors else rng.choices(["cleared", "late", "open"], [70, 15, 15])[0]
                if outcome == "cleared":
                    scenario, close_range = ("closed", None), (visit.day + DAY, campaign.end)
                elif outcome == "late":
                    scenario, close_range = ("closed", None), (campaign.end + DAY, self.today)
                else:
                    scenario = (rng.choice(["rectifying", "submitted", "sent_back"]), None)
            hazards.append(self.hazard(e=e, township=township, found=visit.day, source=HazardSource.INSPECTION,
                                       inspection=inspection, item=item, description=descriptions[item.pk],
                                       criterion=criterion, reporter=submitter, scenario=scenario,
                                       close_range=close_range))
        if failed and (len(failed) >= 3 or any(h.severity == HazardSeverity.MAJOR for h, _e, _x in hazards)):
            (self.penalties if rng.random() < 0.25 else self.spare).append(inspection)
        return inspection, answers, hazards

    def self_checks(self, n):
        """Hazards the enterprises found themselves (and a few reports from the public)."""
        out = []
        for _i in range(n):
            e = self.rng.choice(self.enterprises)
            found = self.day_between(self.window_start, self.today)
            township = self.township_on(e, found)
            source = HazardSource.SELF_CHECK if self.rng.random() < 0.9 else HazardSource.REPORT
            reporter = (self.enterprise_users.get(e.pk) if source == HazardSource.SELF_CHECK
                        else self.submitter(township))
            criterion = None
            if self.rng.random() < 0.01:
                pool = [c for d in e.domains for c in self.criteria_by_domain.get(d, [])]
                criterion = self.rng.choice(pool) if pool else None
            out.append(self.hazard(e=e, township=township, found=found, source=source,
                                   description=self.rng.choice(SELF_CHECK), criterion=criterion, reporter=reporter))
        return out

    def write(self, inspections, answers, hazards):
        bulk_insert(Inspection, inspections)
        bulk_insert(InspectionAnswer, [InspectionAnswer(inspection_id=inspection.pk, item_id=item.pk, item_code=item.code,
                                                    result=result, note=note)
                                   for inspection, item, result, note in answers])
        rows, timed = [], []
        for h, events, extension in hazards:
            # A finding is reported as its inspection is submitted; later steps at office hours, in order.
            found_by = h.found_by
            h.inspection_id = found_by.pk if found_by is not None else None
            when = found_by.submitted_at if found_by is not None else self.moment(h.found_on, None)
            times = [when]
            for _action, day, *_rest in events[1:]:
                at = self.moment(day, None)
                when = at if at > when else when + datetime.timedelta(minutes=3)
                times.append(when)
            h.created_at, h.updated_at = times[0], times[-1]
            rows.append(h)
            timed.append((h, zip(events, times), extension))
            key = h.status if not (h.status != S.CLOSED and h.deadline < self.today) else "overdue"
            self.status_counts[key] = self.status_counts.get(key, 0) + 1
        bulk_insert(Hazard, rows)
        event_rows, extensions, spot_photos = [], [], []
        for h, events, extension in timed:
            for (action, _day, frm, to, note, by), at in events:
                event_rows.append(HazardEvent(hazard_id=h.pk, action=action, from_status=frm, to_status=to,
                                              note=note, by_id=by.pk if by is not None else None, at=at))
                if action == A.EXTENSION_REQUEST:
                    extension.requested_at = at
                elif action in (A.EXTENSION_GRANT, A.EXTENSION_REFUSE):
                    extension.decided_at = at
            if extension is not None:
                extension.hazard_id = h.pk
                extensions.append(extension)
            if h.on_the_spot:
                spot_photos.append((h, h.reported_by_id, h.created_at))
        bulk_insert(HazardEvent, event_rows)
        bulk_insert(HazardExtension, extensions)
        evidence = [(ev, ev.by_id, ev.at) for ev in event_rows if ev.action == A.SUBMIT]
        self.attach("site", spot_photos, (150, 160, 170))
        self.attach("evidence", evidence, (120, 170, 120))
        for key, value in (("inspections", len(inspections)), ("answers", len(answers)), ("hazards", len(rows)),
                           ("events", len(event_rows)), ("extensions", len(extensions))):
            self.counts[key] += value

    def attach(self, kind, owners, colour):
        name = "现场整改照片.jpg" if kind == "site" else "整改后照片.jpg"
        self.photos[kind], written = attach_photos(owners, name=name, colour=colour, first=self.photos.get(kind))
        self.counts["photos"] += written

    def write_penalties(self):
        rows, numbers = [], {}
        chosen = self.penalties + self.spare[:max(0, 3 - len(self.penalties))]  # a few even in a tiny demo
        for inspection in sorted(chosen, key=lambda i: i.inspected_on):
            decided = min(self.today, inspection.inspected_on + datetime.timedelta(days=self.rng.randint(3, 30)))
            numbers[decided.year] = numbers.get(decided.year, 0) + 1
            violation, basis, fines = self.rng.choice(PENALTIES)
            rows.append(Penalty(
                inspection=inspection, enterprise_id=inspection.enterprise_id, township_id=inspection.township_id,
                decision_number=f"武应急罚〔{decided.year}〕{numbers[decided.year]}号", decided_on=decided,
                violation=violation, legal_basis=basis, fine=self.rng.choice(fines) * 1000,
                status=self.rng.choices(list(Penalty.Status), [35, 60, 5])[0], created_by=self.bureau,
                created_at=self.moment(decided, 11)))
        bulk_insert(Penalty, rows)
        return rows

    def suspend(self):
        """Two open major hazards led to an order to suspend production (a roster change)."""
        done = 0
        for hazard in (Hazard.objects.filter(township__parent=self.district, severity=HazardSeverity.MAJOR)
                       .exclude(status=S.CLOSED).select_related("enterprise").order_by("found_on")[:2]):
            effective = max(hazard.found_on + datetime.timedelta(days=2), hazard.enterprise.changes.order_by(
                "-effective_date").values_list("effective_date", flat=True).first() or hazard.found_on)
            hazard_suspend(hazard=hazard, by=self.bureau, effective_date=min(effective, self.today),
                           reason="重大事故隐患未消除前无法保证安全，责令停产整改")
            done += 1
        return done

    def build(self):
        if not self.enterprises or self.bureau is None or "general" not in self.items:
            self.ctx.log("  no enterprises, bureau account or published checklists in the demo district: skipped")
            return
        plans = self.plans()
        campaign = self.campaign()
        running = self.running_campaign()
        visits = self.visits(plans, campaign)
        for start in range(0, len(visits), CHUNK):
            done = [self.inspect(v, campaign) for v in visits[start:start + CHUNK]]
            self.write([i for i, _a, _h in done], [a for _i, ans, _h in done for a in ans],
                       [h for _i, _a, hs in done for h in hs])
        inspection_hazards = self.counts["hazards"]
        others = self.volumes.get("hazards")
        others = max(0, others - inspection_hazards) if others is not None else round(0.25 * inspection_hazards)
        for start in range(0, others, BATCH):
            self.write([], [], self.self_checks(min(BATCH, others - start)))
        penalties = self.write_penalties()
        for template in self.checklists.values():
            if template is not None and template.pk in self.used_templates:
                checklist_mark_used(template)
        suspended = self.suspend()
        # the day's deadline messages, as the daily job would have sent them: the demo accounts open
        # a message centre with something in it
        notices = hazard_deadline_notices(day=self.today)
        c = self.counts
        self.ctx.log(
            f"  {plans.count()} enforcement plans ({PlanItem.objects.filter(plan__in=plans).count()} plan items), "
            f"{c['inspections']} inspections ({c['answers']} checklist answers), {c['hazards']} hazards "
            f"({', '.join(f'{k} {v}' for k, v in sorted(self.status_counts.items()))}), {c['events']} hazard events, "
            f"{c['extensions']} extension requests, {len(penalties)} penalties "
            f"(¥{sum(p.fine for p in penalties):,.0f}), {suspended} suspension orders, {c['photos']} photos; "
            f"campaign {campaign.name}: {campaign.targets.count()} targets, "
            f"{campaign_not_cleared(campaign).count()} not cleared; running: {running.name}; "
            f"{notices['messages']} deadline messages")


def attach_photos(owners, *, name, colour, first=None):
    """Photos for ``owners`` (``(owner, by_id, at)``): one real stored photo, through the upload
    validator as any photo, and for every other owner a row pointing at the same file. Pass the
    returned ``first`` back to reuse its file. Returns ``(first, attachments written)``; the risk
    demo attaches its rectification evidence the same way."""
    if not owners:
        return first, 0
    written = 0
    if first is None:
        owner, by, at = owners[0]
        first = attachment_create(owner=owner, file=SimpleUploadedFile(name, _photo(colour)),
                                  by=get_user_model().objects.filter(pk=by).first())
        Attachment.objects.filter(pk=first.pk).update(uploaded_at=at, taken_at=at)
        owners, written = owners[1:], 1
    if owners:
        content_type = _content_type(owners[0][0])
        bulk_insert(Attachment, [
            Attachment(content_type_id=content_type, object_id=owner.pk, file=first.file.name,
                       original_name=first.original_name, mime_type=first.mime_type, size=first.size,
                       width=first.width, height=first.height, taken_at=at, sha256=first.sha256,
                       uploaded_by_id=by, uploaded_at=at) for owner, by, at in owners])
        written += len(owners)
    return first, written


def _content_type(owner):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(owner).pk


def enforcement_build(ctx):
    _Enforcement(ctx, ctx.shared.get("inspections.volumes")).build()


register("inspections", enforcement_build, order=40, populated=lambda: Inspection.objects.exists())

from . import demo_self_checks  # noqa: E402,F401  (a campaign with its self-check list half done)
