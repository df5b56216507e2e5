"""Demo risk points and scan self-checks (issue 9, "Demo"), built back from the demo's today.

- **Points** for every enterprise on the roster (5 to 25 each), from the dictionary: the categories
  of its key domains, of its trade, and the common ones every plant has (power distribution, fire
  facilities, forklifts, warehouses, welding…). Each keeps its own copy of the category; about one
  in eight is graded with LEC or LS values that land in the category's typical class under the
  shipped bands, the rest have their class set by hand with a reason. A deregistered enterprise's
  points retired on the day it was deregistered.
- **Codes**: a live Changan code for every point; a few lost labels whose code was revoked and a
  successor issued (one of them in the demo enterprise account's plant), scans before the
  revocation carry the old code.
- **Accounts**: the enterprises that use the code have a principal account (username = credit
  code, as the bulk principal accounts do) and a safety manager (``<credit code>-02``), with
  unusable passwords: they exist to have scanned. ``qiye`` is its enterprise's principal.
- **Scans** from the first day of the quarter before last to now, written as ``scan_record``
  would (the cycle of ``cycle_of``, a ``ScanCycle`` once per cycle), only on the days the
  enterprise was producing and inside each point's life, in the township the enterprise belonged
  to that day. Realistic gaps: a quarter of the townships miss over 30 % of their cycles, a few
  enterprises elsewhere do too, some principals never scan (participation under 60 % in some
  townships), a few enterprises of each township do not use the code at all.
- **Hazards**: every failed item raised a hazard in the ledger with source "scan" (a
  ``PointHazard`` links it to its point and scan), at township-dependent rates so the "lowest
  hazards found by scanning" list has names; each is at a step of its life reached by its age
  (reported → rectifying → submitted → closed), with its events, never dated after today.

Volume: the enterprises choose their points' cycles (a point keeps its own); in the demo they
check most of them monthly or quarterly, one weekly, a few daily and, where a shift schedule is
declared, one every shift — about seven scans per enterprise and month (the seeds' city scans
about weekly; ``demo_city`` writes that), so ``make demo`` stays bearable: about 160 000 scans for
its 3 000 enterprises. The city-scale generator (``risk_reports/demo_city.py``) writes the seeds' volumes.
"""
import bisect
import datetime
import hashlib
import random
import re
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from enterprises.demo import GIVEN_CHARS, MOBILE_PREFIXES, SURNAMES
from enterprises.models import Enterprise, EnterpriseChange, EnterpriseMembership, Industry, Status
from inspections.demo import attach_photos
from inspections.models import Hazard, HazardEvent, HazardSeverity, HazardSource, HazardStatus
from portal.accounts.models import Role
from portal.demo import bulk_insert, register
from portal.figures.periods import Period

from . import rollups
from .cycles import cycle_bounds, cycle_of, next_start, shift_times
from .models import (METHOD_FACTORS, ChanganCode, CheckCycle, GradingBand, GradingBasis, GradingMethod, GradingScale,
                     PointHazard, RiskCategory, RiskPoint, Scan, ScanCycle, ShiftSchedule)

ORDER = 50  # after inspections (40): the scan hazards join its ledger
CHUNK = 400  # enterprises whose scans are generated and written at a time (bounded memory)
DAY = datetime.timedelta(days=1)
Position = EnterpriseMembership.Position
S, A = HazardStatus, HazardEvent.Action

# The categories every plant has, with the odds a demo enterprise records one.
COMMON = [("switch_room", .9), ("workshop_power_box", .8), ("fire_facilities", .9), ("forklift", .6),
          ("general_warehouse", .7), ("air_compressor", .45), ("electric_welding", .4), ("hot_work", .3),
          ("temporary_power", .2), ("dormitory", .2), ("canteen_gas", .25), ("pressure_vessel", .25),
          ("freight_elevator", .2), ("rooftop_pv", .15), ("outsourced_work", .25), ("work_at_height", .2),
          ("roof_work", .1), ("transformer", .3), ("hazardous_waste", .3), ("bridge_crane", .25),
          ("electric_hoist", .15), ("gas_cylinders", .2), ("lithium_battery_store", .08)]
# A trade's own categories (leaf or top industry code).
TRADE = {
    "metallurgy": ["bridge_crane", "ladle_lifting", "slag_handling", "gas_pipeline", "belt_conveyor"],
    "nonferrous": ["die_casting", "bridge_crane", "heat_treatment", "melting_furnace"],
    "cement": ["cement_preheater", "belt_conveyor", "plant_vehicles"],
    "glass": ["glass_furnace", "gas_kiln", "bridge_crane"],
    "ceramics": ["gas_kiln", "belt_conveyor"],
    "building_materials": ["belt_conveyor", "plant_vehicles", "loading_dock", "gantry_crane"],
    "machinery": ["punch_press", "shearing_machine", "press_brake", "lathe_milling", "grinding_wheel",
                  "industrial_robot", "heat_treatment", "bridge_crane"],
    "food": ["food_mixer", "steam_cooking", "deep_frying", "cold_storage", "gas_boiler"],
    "paper": ["paper_cutter", "printing_machine", "baler", "steam_boiler"],
    "furniture": ["woodworking_machine", "woodworking_dust", "baler"],
    "plastics": ["injection_moulding", "rubber_mixer", "roller_press"],
    "light": ["printing_machine", "baler", "injection_moulding", "paper_cutter"],
    "dyeing": ["steam_boiler", "thermal_oil_boiler", "wastewater_station", "textile_machine"],
    "textile": ["textile_machine", "roller_press", "textile_fiber_dust", "baler"],
    "tobacco": ["belt_conveyor", "textile_machine"],
    "warehousing": ["high_rack", "forklift", "loading_dock", "cold_storage", "lithium_battery_store"],
    "commerce": ["high_rack", "loading_dock", "general_warehouse"],
}
AREAS = {
    "switch_room": "配电房", "transformer": "配电房", "air_compressor": "空压机房", "fire_facilities": "厂区",
    "canteen_gas": "食堂", "dormitory": "宿舍楼", "general_warehouse": "成品仓库", "hazardous_waste": "危废仓库",
    "forklift": "仓库", "high_rack": "仓库", "loading_dock": "仓库", "rooftop_pv": "厂房屋面", "roof_work": "厂房屋面",
    "wastewater_station": "污水处理站", "steam_boiler": "锅炉房", "thermal_oil_boiler": "锅炉房", "gas_boiler": "锅炉房",
    "outsourced_work": "厂区", "hot_work": "厂区", "work_at_height": "厂区", "temporary_power": "厂区",
    "pressure_vessel": "空压机房", "lithium_battery_store": "充电区", "cold_storage": "冷库", "laboratory": "化验室",
    "gas_pressure_station": "厂区", "gas_cylinders": "气瓶间", "energy_storage": "储能区",
}
DOMAIN_AREAS = {"dust": ["打磨车间", "除尘器区域"], "smelting": ["熔炼车间", "铸造车间"], "spraying": ["喷涂车间"],
                "ammonia": ["制冷机房", "冷库"], "confined_space": ["厂区"], "hazchem": ["危化品仓库", "生产车间"]}
WORKSHOPS = ["一车间", "二车间", "三车间", "机加工车间", "装配车间", "生产车间"]
SHIFT_PLANS = [["08:00", "20:00"], ["00:00", "08:00", "16:00"]]
MANUAL_REASONS = ["参照辞典典型风险等级，结合现场评估确定", "经安全管理人员现场辨识评估确定",
                  "沿用上年度风险评估结果", "按行业风险辨识清单确定"]
REVOKE_REASONS = ["标签破损，重新制发", "标签丢失，重新制发", "设备移位，标签重新张贴"]
MEASURES = ["立即停用并组织维修，恢复后复查", "更换损坏部件，完善防护装置", "清理现场并落实每日检查",
            "补齐警示标志和操作规程", "委托专业单位检修"]
INTERIM = ["整改期间停用相关设备，设专人看护", "设置警戒区域，禁止无关人员进入", "加强巡查，配备临时防护"]
SUBMIT_NOTES = ["已按要求完成整改，附整改后照片", "整改完成，已组织复查"]
FAILED_NOTES = ["现场检查不符合要求", "部件损坏，需维修", "防护缺失", "未按规定落实", "记录不全"]
HAZARD_DEADLINE = datetime.timedelta(days=7)  # the shipped default of the threshold risk.scan_hazard_deadline_days


def _short(name):
    """A category's name without its parenthetical examples: 干式除尘器（袋式、滤筒） -> 干式除尘器."""
    return re.sub(r"（.*?）", "", name).strip()


class _Grades:
    """Factor values of LEC and LS that land in each class under the bureau's bands (the shipped
    scales and bands), so a graded demo point's score and class agree with ``risk_grade``."""

    def __init__(self):
        self.by_level = {}
        for method in (GradingMethod.LEC, GradingMethod.LS):
            scales = {}
            for factor, value in GradingScale.objects.filter(method=method).values_list("factor", "value"):
                scales.setdefault(factor, []).append(value)
            bands = list(GradingBand.objects.filter(method=method).order_by("-lower"))
            combos = [{}]
            for factor in METHOD_FACTORS[method]:
                combos = [{**c, factor: v} for c in combos for v in sorted(scales.get(factor, []))]
            for values in combos:
                score = 1
                for v in values.values():
                    score *= v
                level = next((b.level for b in bands if b.admits(score)), None)
                if level and values:
                    self.by_level.setdefault((method, level), []).append((values, score))

    def pick(self, rng, level):
        methods = [m for m in (GradingMethod.LEC, GradingMethod.LS) if self.by_level.get((m, level))]
        if not methods:
            return None
        method = rng.choice(methods)
        values, score = rng.choice(self.by_level[(method, level)])
        return method, values, score


class _Life:
    """An enterprise's status and township day by day, from its roster changes."""

    def __init__(self, changes):
        self.days, self.states = [], []
        status, township = Status.PRODUCING, None
        for day, to_status, to_township in changes:
            status, township = to_status or status, to_township or township
            if self.days and self.days[-1] == day:
                self.states[-1] = (status, township)
            else:
                self.days.append(day)
                self.states.append((status, township))
        self.always = all(s == Status.PRODUCING for s, _t in self.states)
        self.township_fixed = len({t for _s, t in self.states}) <= 1

    def on(self, day):
        i = bisect.bisect_right(self.days, day) - 1
        return self.states[i] if i >= 0 else (None, None)

    def producing(self, day):
        if self.always:
            return day >= self.days[0]
        return self.on(day)[0] == Status.PRODUCING

    def township(self, day, default):
        if self.township_fixed:
            return default
        return self.on(day)[1] or default

    @property
    def registered(self):
        return self.days[0]

    @property
    def deregistered(self):
        for day, (status, _t) in zip(self.days, self.states):
            if status == Status.DEREGISTERED:
                return day
        return None


class _Risk:
    def __init__(self, ctx):
        self.ctx, self.rng = ctx, random.Random(f"risk-{ctx.seed}")
        self.today, self.now = ctx.today, timezone.now()
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.window_start = Period.containing(self.today).previous().previous().start
        self.categories = {c.code: c for c in RiskCategory.objects.filter(active=True).select_related("domain")}
        self.by_domain = {}
        for c in self.categories.values():
            if c.domain_id:
                self.by_domain.setdefault(c.domain.code, []).append(c.code)
        self.grades = _Grades()
        self.leaves = {i.pk: (i.code, i.top.code) for i in Industry.objects.select_related("parent")}
        self.counts = {k: 0 for k in ("points", "graded", "codes", "revoked", "schedules", "accounts", "scans",
                                      "cycles", "hazards", "events", "photos")}
        self.bureau = ctx.users.get("bureau")
        self.city = ctx.users.get("city")
        self.hutang = ctx.users.get("hutang")
        qiye = ctx.users.get("qiye")
        membership = getattr(qiye, "enterprise_membership", None) if qiye is not None else None
        self.qiye = qiye if membership else None
        self.qiye_enterprise = membership.enterprise_id if membership else None

    # -- helpers ----------------------------------------------------------------------------------
    def person(self):
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN_CHARS, k=self.rng.choice((1, 2, 2))))

    def phone(self):
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randint(0, 99_999_999):08d}"

    def moment(self, day, lo=8 * 60, hi=17 * 60 + 30):
        """An aware time on ``day`` between ``lo`` and ``hi`` minutes past midnight (never after now),
        or None when the day's window has not begun yet."""
        local = datetime.datetime.combine(day, datetime.time(0), self.zone)
        if day == self.today:
            current = timezone.localtime(self.now, self.zone)
            hi = min(hi, current.hour * 60 + current.minute - 1)
            if hi < lo:
                return None
        minutes = self.rng.randint(lo, hi)
        return local + datetime.timedelta(minutes=minutes, seconds=self.rng.randint(0, 59))

    def token(self):
        return hashlib.sha256(self.rng.getrandbits(256).to_bytes(32, "big")).hexdigest()[:32]

    # -- the townships' habits --------------------------------------------------------------------
    def habits(self, townships):
        """Per township: (share of cycles done, principal participation, hazards per enterprise and
        quarter, share of enterprises using the code). In each district every fourth township
        (the second, sixth…) misses over 30 % of its cycles and every fifth (the third, eighth…) has
        principals scanning in under 60 % of its enterprises; hazard rates vary from 0.2 to 2."""
        out, by_district = {}, {}
        for t in sorted(townships, key=lambda t: (t.parent_id, t.order, t.code)):
            by_district.setdefault(t.parent_id, []).append(t)
        for district_townships in by_district.values():
            for i, t in enumerate(district_townships):
                done = self.rng.uniform(.45, .6) if i % 4 == 1 else self.rng.uniform(.82, .95)
                principals = self.rng.uniform(.3, .5) if i % 5 == 2 else self.rng.uniform(.7, .9)
                hazards = (.2, .5, 1.0, 2.0)[i % 4] * self.rng.uniform(.8, 1.2)
                out[t.pk] = {"done": done, "principals": principals, "hazards": hazards,
                             "adoption": self.rng.uniform(.9, .98)}
        return out

    # -- one enterprise's points ------------------------------------------------------------------
    def choose_categories(self, e, n=None):
        """``n`` category codes for the enterprise's points (5 to 25 when not given): its key
        domains', its trade's, the common ones, a second point of a kind in another workshop."""
        rng, codes = self.rng, []
        for domain in sorted(e["domains"]):
            pool = list(self.by_domain.get(domain, []))
            rng.shuffle(pool)
            codes += pool[:rng.randint(1, min(3, len(pool)))] if pool else []
        leaf, top = e["industry"]
        trade = TRADE.get(leaf) or TRADE.get(top) or []
        codes += rng.sample(trade, min(len(trade), rng.randint(1, 4)))
        for code, odds in COMMON:
            if rng.random() < odds:
                codes.append(code)
        if e["tenant"]:
            codes.append("multi_tenant_plant")
        codes = [c for c in dict.fromkeys(codes) if c in self.categories]
        n = n or max(5, min(25, round(rng.triangular(5, 25, 9))))
        if len(codes) > n:
            keep = codes[:2] + rng.sample(codes[2:], n - 2)
            codes = [c for c in codes if c in keep]
        while len(codes) < n:  # a second point of a category, in another workshop
            codes.append(rng.choice(["workshop_power_box", "fire_facilities", "electric_welding", "forklift",
                                     *(trade or ["general_warehouse"])]))
        return [c for c in codes if c in self.categories]

    def area_for(self, category):
        if category.code in AREAS:
            return AREAS[category.code]
        if category.domain_id and category.domain.code in DOMAIN_AREAS:
            return self.rng.choice(DOMAIN_AREAS[category.domain.code])
        return self.rng.choice(WORKSHOPS)

    def cycle_for(self, category, e, taken):
        """The point's own cycle. The demo's enterprises check one point a shift where they declared
        shifts, one point daily in about one enterprise in thirty, one point weekly in half of them,
        the category's monthly and quarterly points on their cycle and the rest quarterly: about
        seven scans per enterprise and month."""
        cycle = category.cycle
        if cycle == CheckCycle.SHIFT and e["shifts"] and not taken[CheckCycle.SHIFT]:
            return CheckCycle.SHIFT
        if cycle in (CheckCycle.SHIFT, CheckCycle.DAY) and e["daily"] and not taken[CheckCycle.DAY]:
            return CheckCycle.DAY
        if cycle in (CheckCycle.SHIFT, CheckCycle.DAY, CheckCycle.WEEK) and e["weekly"] and not taken[CheckCycle.WEEK]:
            return CheckCycle.WEEK
        if cycle in (CheckCycle.MONTH, CheckCycle.QUARTER):
            return cycle
        return CheckCycle.QUARTER

    def points(self, e, created_floor):
        """The enterprise's points (unsaved), each with its category."""
        rng, out, names = self.rng, [], set()
        taken = {CheckCycle.SHIFT: 0, CheckCycle.DAY: 0, CheckCycle.WEEK: 0}
        responsible = [self.person() for _i in range(rng.randint(2, 4))]
        for code in self.choose_categories(e):
            category = self.categories[code]
            area, name = self.area_for(category), _short(category.name)
            if (area, name) in names:
                area = next((w for w in WORKSHOPS if (w, name) not in names), None)
                if area is None:
                    continue
            names.add((area, name))
            cycle = self.cycle_for(category, e, taken)
            if cycle in taken:
                taken[cycle] += 1
            level = category.typical_level
            if rng.random() < .1:  # the enterprise's own assessment moved it a class
                order = ["blue", "yellow", "orange", "red"]
                level = order[max(0, min(3, order.index(level) + rng.choice((-1, 1))))]
            graded = self.grades.pick(rng, level) if rng.random() < .125 else None
            created = self.created_on(created_floor)
            point = RiskPoint(
                enterprise_id=e["pk"], name=name, area=area, category_id=category.pk,
                factors=list(category.factors), accident_types=list(category.accident_types),
                measures={k: list(v) for k, v in category.measures.items()}, check_items=list(category.check_items),
                cycle=cycle, responsible_person=rng.choice(responsible), responsible_phone=self.phone(),
                graded_on=created, created_on=created, retired_on=e["retired"])
            if graded:
                method, values, score = graded
                point.basis, point.grading_values, point.score = method, {k: format(v.normalize(), "f") for k, v in
                                                                          values.items()}, score
                point.level, point.level_reason = level, ""
                self.counts["graded"] += 1
            else:
                point.basis, point.grading_values, point.score = GradingBasis.MANUAL, {}, None
                point.level, point.level_reason = level, rng.choice(MANUAL_REASONS)
            point.created_at = point.updated_at = datetime.datetime.combine(created, datetime.time(9, 30), self.zone)
            if point.retired_on is not None and point.retired_on < point.created_on:
                continue
            out.append(point)
        return out

    def created_on(self, floor):
        """Most points were recorded before the demo's window; one in eight inside it (a new point
        owes no check before it existed)."""
        rng = self.rng
        if rng.random() < .125 or floor >= self.window_start:
            low = max(floor, self.window_start)
            high = self.today - DAY
        else:
            low, high = floor, self.window_start - DAY
        if high < low:
            return min(floor, self.today)
        return low + datetime.timedelta(days=rng.randint(0, (high - low).days))

    # -- the whole demo -------------------------------------------------------------------------------
    def load(self):
        rows = list(Enterprise.objects.order_by("pk").values_list(
            "pk", "township_id", "industry_id", "credit_code", "principal_name", "status", "host_id", "is_key_sector"))
        domains = {}
        for eid, code in Enterprise.key_domains.through.objects.values_list("enterprise_id", "keydomain__code"):
            domains.setdefault(eid, set()).add(code)
        changes = {}
        for eid, day, to_status, to_township in EnterpriseChange.objects.filter(
                kind__in=[EnterpriseChange.Kind.REGISTERED, EnterpriseChange.Kind.STATUS,
                          EnterpriseChange.Kind.TRANSFER]).order_by("effective_date", "pk").values_list(
                "enterprise_id", "effective_date", "to_status", "to_township_id"):
            changes.setdefault(eid, []).append((day, to_status, to_township))
        enterprises = []
        for pk, township, industry, code, principal, status, host, key in rows:
            life = _Life(changes.get(pk) or [(self.today - 365 * DAY, Status.PRODUCING, township)])
            enterprises.append({
                "pk": pk, "township": township, "industry": self.leaves.get(industry, ("", "")), "code": code,
                "principal": principal or self.person(), "status": status, "tenant": host is not None,
                "key": key, "domains": domains.get(pk, set()), "life": life,
                "retired": life.deregistered if status == Status.DEREGISTERED else None})
        return enterprises

    def build(self):
        enterprises = self.load()
        if not enterprises or not self.categories:
            self.ctx.log("  no enterprises or no risk dictionary: skipped")
            return
        from grid.models import Region

        townships = list(Region.objects.filter(pk__in={e["township"] for e in enterprises}))
        self.habits_by_township = self.habits(townships)
        names = {t.pk: t.name for t in townships}
        self.hutang_region = self.hutang.region_id if self.hutang is not None else None
        for e in enterprises:
            habit = self.habits_by_township[e["township"]]
            mine = e["pk"] == self.qiye_enterprise
            e["shifts"] = (SHIFT_PLANS[0] if mine else
                           self.rng.choice(SHIFT_PLANS) if e["key"] and self.rng.random() < .04 else None)
            e["daily"] = mine or self.rng.random() < .03
            e["weekly"] = mine or self.rng.random() < .5
            # a deregistered enterprise stopped scanning (and its accounts were closed) well before it went
            e["uses"] = e["status"] != Status.DEREGISTERED and (mine or self.rng.random() < habit["adoption"])
            poor = self.rng.random() < .08  # a few enterprises miss their cycles whatever their township does
            e["done"] = self.rng.uniform(.3, .6) if poor and not mine else habit["done"] * self.rng.uniform(.95, 1.05)
            e["principal_scans"] = mine or self.rng.random() < habit["principals"]
        self.accounts(enterprises)
        self.schedules(enterprises)
        for start in range(0, len(enterprises), CHUNK):
            self.chunk(enterprises[start:start + CHUNK])
        c = self.counts
        lagging = sorted(names[t] for t, h in self.habits_by_township.items() if h["done"] < .7)
        self.ctx.log(
            f"  {c['points']} risk points ({c['graded']} graded by LEC or LS), {c['codes']} Changan codes "
            f"({c['revoked']} revoked and reissued), {c['schedules']} shift schedules, {c['accounts']} enterprise "
            f"accounts; {c['scans']} scans filling {c['cycles']} check cycles since {self.window_start}, "
            f"{c['hazards']} hazards found by scanning ({c['events']} events); townships missing over 30 %: "
            f"{'、'.join(lagging[:6])}{'…' if len(lagging) > 6 else ''}")

    # -- accounts and shift schedules ----------------------------------------------------------------
    def accounts(self, enterprises):
        User = get_user_model()
        existing = dict(EnterpriseMembership.objects.values_list("enterprise_id", "user_id").filter(
            position=Position.PRINCIPAL))
        taken = set(User.objects.values_list("username", flat=True))
        users, memberships, owners = [], [], []
        for e in enterprises:
            e["principal_user"] = existing.get(e["pk"])
            if not e["uses"]:
                continue
            wanted = [] if e["principal_user"] else [(e["code"], Position.PRINCIPAL, e["principal"])]
            wanted.append((f"{e['code']}-02", Position.SAFETY_MANAGER, self.person()))
            for username, position, full_name in wanted:
                if username in taken:
                    continue
                taken.add(username)
                joined = datetime.datetime.combine(max(e["life"].registered, self.window_start - 60 * DAY),
                                                   datetime.time(9), self.zone)
                user = User(username=username, role=Role.ENTERPRISE, full_name=full_name, phone=self.phone(),
                            password="!" + self.token(), date_joined=joined)
                users.append(user)
                owners.append((e, position, user))
        bulk_insert(User, users)
        for e, position, user in owners:
            memberships.append(EnterpriseMembership(user_id=user.pk, enterprise_id=e["pk"], position=position))
            e["principal_user" if position == Position.PRINCIPAL else "manager_user"] = user.pk
        bulk_insert(EnterpriseMembership, memberships)
        self.counts["accounts"] = len(users)

    def schedules(self, enterprises):
        rows = []
        for e in enterprises:
            if e["shifts"]:
                rows.append(ShiftSchedule(enterprise_id=e["pk"], starts=e["shifts"],
                                          updated_at=datetime.datetime.combine(self.window_start - 30 * DAY,
                                                                               datetime.time(9), self.zone)))
        bulk_insert(ShiftSchedule, rows)
        self.counts["schedules"] = len(rows)

    # -- points, codes, scans and hazards, a chunk of enterprises at a time ---------------------------
    def chunk(self, enterprises):
        points = []
        for e in enterprises:
            floor = e["life"].registered + datetime.timedelta(days=self.rng.randint(10, 60))
            e["points"] = self.points(e, floor)
            points += e["points"]
        bulk_insert(RiskPoint, points)
        codes, revoked = [], []
        for e in enterprises:
            by = e.get("principal_user")
            lost = None
            if e["points"] and e["uses"] and (e["pk"] == self.qiye_enterprise or self.rng.random() < .03):
                lost = self.rng.choice(e["points"])
            for p in e["points"]:
                issued = datetime.datetime.combine(p.created_on, datetime.time(10), self.zone)
                code = ChanganCode(point_id=p.pk, token=self.token(), issued_at=issued, issued_by_id=by)
                p.codes_in_order = [(code, None)]
                if p is lost:
                    first = max(p.created_on, self.window_start) + DAY
                    if first < self.today - DAY:
                        day = first + datetime.timedelta(days=self.rng.randint(0, (self.today - DAY - first).days))
                        when = datetime.datetime.combine(day, datetime.time(14), self.zone)
                        code.revoked_at, code.revoked_by_id = when, by
                        code.revoke_reason = self.rng.choice(REVOKE_REASONS)
                        successor = ChanganCode(point_id=p.pk, token=self.token(), issued_at=when, issued_by_id=by)
                        p.codes_in_order = [(code, when), (successor, None)]
                        revoked.append(successor)
                codes += [c for c, _until in p.codes_in_order]
        # a revoked code first, then its successor: one live code a point at every moment
        bulk_insert(ChanganCode, codes)
        self.counts["points"] += len(points)
        self.counts["codes"] += len(codes)
        self.counts["revoked"] += len(revoked)
        scans, failing = [], []
        for e in enterprises:
            if e["uses"]:
                mine, fails = self.scans(e)
                scans += mine
                failing += fails
        bulk_insert(Scan, scans)
        seen, cycles = set(), []
        for s in scans:
            key = (s.point_id, s.cycle, s.cycle_start, s.shift)
            if key not in seen:
                seen.add(key)
                cycles.append(ScanCycle(point_id=s.point_id, enterprise_id=s.enterprise_id, township_id=s.township_id,
                                        cycle=s.cycle, cycle_start=s.cycle_start, shift=s.shift))
        bulk_insert(ScanCycle, cycles)
        rollups.rebuild_done_cycles([e["pk"] for e in enterprises])
        rollups.rebuild_scan_months([e["pk"] for e in enterprises])
        self.counts["scans"] += len(scans)
        self.counts["cycles"] += len(cycles)
        self.hazards(failing)

    def scan_days(self, e, point, first, last):
        """(cycle_start, shift, candidate moments picker) for each cycle of ``point`` in
        ``first``..``last`` that has begun by now."""
        life, starts = e["life"], e["shifts"]
        if point.cycle == CheckCycle.SHIFT:
            times = shift_times(starts)
            day = first - DAY
            while day <= last:
                for i in range(len(times)):
                    begins, ends = cycle_bounds(CheckCycle.SHIFT, day, i, starts)
                    if begins < self.now and begins.date() >= first and life.producing(day):
                        yield day, i, (begins, min(ends, self.now))
                day += DAY
            return
        start = cycle_of(point.cycle, datetime.datetime.combine(first, datetime.time(12), self.zone))[0]
        while start <= last:
            end = next_start(point.cycle, start) - DAY
            days = []
            day = max(start, first)
            while day <= min(end, last):
                if life.producing(day):
                    days.append(day)
                day += DAY
            if days:
                yield start, 0, days
            start = end + DAY

    def scans(self, e):
        """The enterprise's scans (unsaved) and those whose failed items raised hazards."""
        rng, out = self.rng, []
        life, default_township = e["life"], e["township"]
        people = [u for u in (e.get("manager_user"), e.get("principal_user")) if u]
        manager = e.get("manager_user") or people[0]
        for point in e["points"]:
            first = max(point.created_on, self.window_start)
            last = min(self.today, point.retired_on or self.today)
            if last < first:
                continue
            for start, shift, where in self.scan_days(e, point, first, last):
                if rng.random() >= e["done"]:
                    continue
                for _again in range(2 if rng.random() < .08 else 1):
                    if isinstance(where, tuple):
                        begins, ends = where
                        span = max(60, int((ends - begins).total_seconds() * .8))
                        done_at = begins + datetime.timedelta(seconds=rng.randint(0, span))
                        if done_at >= self.now:
                            continue
                    else:
                        done_at = self.moment(rng.choice(where))
                        if done_at is None:
                            continue
                    out.append(self.scan(e, point, start, shift, done_at, manager, life, default_township))
        out.sort(key=lambda s: s.done_at)
        self.principal_scans(e, out)
        return out, self.failures(e, out)

    def scan(self, e, point, start, shift, done_at, by, life, township):
        day = timezone.localtime(done_at, self.zone).date()
        code = point.codes_in_order[0][0]
        for candidate, until in point.codes_in_order:
            code = candidate
            if until is None or done_at < until:
                break
        results = [{"item": item, "ok": True, "note": ""} for item in point.check_items]
        delay = self.rng.randint(1, 90) if self.rng.random() > .03 else self.rng.randint(600, 7200)  # the outbox
        received = min(done_at + datetime.timedelta(seconds=delay), self.now)
        scan = Scan(point_id=point.pk, code_id=code.pk, enterprise_id=e["pk"], township_id=life.township(day, township),
                    by_id=by, by_principal=False, done_at=done_at, done_on=day, received_at=received,
                    cycle=point.cycle, cycle_start=start, shift=shift, results=results, failed=0, photos=0,
                    client_key=self.token(), payload_hash="")
        scan.point = point
        return scan

    def principal_scans(self, e, scans):
        """The principal's share: one to three scans of each quarter where the principal scans at
        all (in some enterprises never). ``qiye`` scanned this week, so its list has it."""
        principal = e.get("principal_user")
        if not principal or not e["principal_scans"] or not scans:
            return
        by_quarter = {}
        for s in scans:
            by_quarter.setdefault(Period.containing(s.done_on), []).append(s)
        for quarter_scans in by_quarter.values():
            for s in self.rng.sample(quarter_scans, min(len(quarter_scans), self.rng.randint(1, 3))):
                s.by_id, s.by_principal = principal, True
        if e["pk"] == self.qiye_enterprise:
            recent = [s for s in scans if s.done_on > self.today - 7 * DAY]
            for s in recent[-2:]:
                s.by_id, s.by_principal = principal, True

    def failures(self, e, scans):
        """Scans with a failed item: about the township's rate of hazards per enterprise and quarter
        (the demo enterprise account has two this quarter, one of them open)."""
        rate = self.habits_by_township[e["township"]]["hazards"]
        by_quarter = {}
        for s in scans:
            by_quarter.setdefault(Period.containing(s.done_on), []).append(s)
        failing = []
        for quarter, quarter_scans in by_quarter.items():
            n = sum(1 for _i in range(4) if self.rng.random() < rate / 4)
            if e["pk"] == self.qiye_enterprise and self.today in quarter:
                n = max(n, 2)
            failing += self.rng.sample(quarter_scans, min(n, len(quarter_scans)))
        for s in failing:
            index = self.rng.randrange(len(s.results))
            s.results[index] = {"item": s.results[index]["item"], "ok": False, "note": self.rng.choice(FAILED_NOTES)}
            s.failed = 1
        for s in scans:  # the outbox's payload is not kept: a hash of the key and the outcome stands for it
            s.payload_hash = hashlib.sha256(f"{s.client_key}:{s.failed}".encode()).hexdigest()
        return [(e, s) for s in failing]

    # -- the hazards the failed items raised --------------------------------------------------------
    def verifier(self, township):
        if self.hutang is not None and township == self.hutang_region:
            return self.hutang.pk
        return (self.bureau or self.city).pk if (self.bureau or self.city) else None

    def hazards(self, failing):
        rng, rows, lives = self.rng, [], []
        for e, s in failing:
            item = next(r for r in s.results if not r["ok"])
            found = s.done_on
            # as scan_submit raises it: the point's name, the item and its note; a week to rectify
            h = Hazard(enterprise_id=e["pk"], township_id=s.township_id, source=HazardSource.SCAN, item_code="",
                       severity=HazardSeverity.GENERAL, description=f"{s.point.name}：{item['item']}——{item['note']}",
                       location=str(s.point)[:200], found_on=found, deadline=found + HAZARD_DEADLINE,
                       reported_by_id=s.by_id, status=S.REPORTED)
            events = self.life(h, e, s)
            h.created_at, h.updated_at = events[0][1], events[-1][1]
            rows.append(h)
            lives.append((h, s, item, events))
        bulk_insert(Hazard, rows)
        event_rows, links = [], []
        for h, s, item, events in lives:
            for action, at, frm, to, note, by in events:
                event_rows.append(HazardEvent(hazard_id=h.pk, action=action, from_status=frm, to_status=to, note=note,
                                              by_id=by, at=at))
            links.append(PointHazard(point_id=s.point_id, hazard_id=h.pk, scan_id=s.pk, item=item["item"]))
        bulk_insert(HazardEvent, event_rows)
        bulk_insert(PointHazard, links)
        # a rectification is submitted with its evidence (hazard_submit asks for a photo)
        submits = [(ev, ev.by_id, ev.at) for ev in event_rows if ev.action == A.SUBMIT]
        self.counts["photos"] += attach_photos(
            submits, name="整改后照片.jpg", colour=(110, 150, 120))[1]
        self.counts["hazards"] += len(rows)
        self.counts["events"] += len(event_rows)

    def life(self, h, e, s):
        """Steps reached by the hazard's age, every one before today: ``[(action, at, from, to, note, by)]``."""
        rng, age = self.rng, (self.today - h.found_on).days
        company = e.get("manager_user") or e.get("principal_user")
        events = [(A.REPORT, s.received_at, "", S.REPORTED, "", s.by_id)]
        if age < 2 or (e["pk"] == self.qiye_enterprise and age < 20):
            return events
        weights = ({"reported": 30, "rectifying": 40, "submitted": 20, "closed": 10} if age < 15 else
                   {"reported": 10, "rectifying": 25, "submitted": 15, "closed": 50} if age < 45 else
                   {"reported": 3, "rectifying": 7, "submitted": 5, "closed": 85})
        target = rng.choices(list(weights), list(weights.values()))[0]
        steps = {"reported": [], "rectifying": ["plan"], "submitted": ["plan", "submit"],
                 "closed": ["plan", "submit", "verify"]}[target]
        last = min(self.today - DAY, h.deadline if rng.random() < .85 else self.today - DAY)
        last = max(last, h.found_on + DAY)
        days = sorted(h.found_on + datetime.timedelta(days=rng.randint(1, max(1, (last - h.found_on).days)))
                      for _s in steps)
        verifier = self.verifier(h.township_id)
        at = s.received_at
        for step, day in zip(steps, days):
            moment = self.moment(day) or at
            at = moment if moment > at else at + datetime.timedelta(minutes=3)
            if step == "plan":
                events.append((A.PLAN, at, S.REPORTED, S.RECTIFYING, "", company))
                h.status = S.RECTIFYING
                h.responsible_person = s.point.responsible_person
                h.measures, h.emergency_plan = rng.choice(MEASURES), rng.choice(INTERIM)
                h.funds = rng.choice((0, 200, 500, 1000, 3000))
            elif step == "submit":
                events.append((A.SUBMIT, at, S.RECTIFYING, S.SUBMITTED, rng.choice(SUBMIT_NOTES), company))
                h.status = S.SUBMITTED
            else:
                events.append((A.VERIFY, at, S.SUBMITTED, S.CLOSED, "经复核，已整改到位，同意销号", verifier))
                h.status, h.closed_on, h.closed_by_id = S.CLOSED, timezone.localtime(at, self.zone).date(), verifier
        return events


def risk_build(ctx):
    _Risk(ctx).build()


register("risk_reports", risk_build, order=ORDER, populated=lambda: RiskPoint.objects.exists())


# issue 11's demo (risk reports, dust cleaning) registers its own generator, after this one
from . import demo_dust_reports  # noqa: E402,F401
# one map, two cards, four lists (issue 11 item 3): the demo floor plans register their own generator
from . import demo_maps  # noqa: E402,F401
