"""Demo roster: synthetic enterprises for the demo territory, with their roster history.

Plausible rather than real: names like 常州鑫泰精密机械有限公司, valid credit codes (GB 32100-2015
check character, the district's division code inside), the eight industries with their
sub-industries, key domains at roughly Wujin's shares (about a quarter dust, a twentieth
smelting), a handful of enterprises with ≥ 30 and ≥ 10 dust workers per shift (RULES.md §4 item 3),
factory-in-factory tenants, chemical storage sites, and a roster history in which every enterprise
has its ``registered`` change and a few in ten have status changes or transfers, spread evenly over
the last eight quarters so each quarterly change report (the current one included) has content.

Written with ``bulk_create`` in batches (33 000 enterprises in seconds), which bypasses
django-auditlog: acceptable for demo data, and said here so no one mistakes it for a pattern.
"""
import datetime

from portal.demo import register
from portal.figures.periods import Period

from .models import ChemicalStorageSite, Enterprise, EnterpriseChange, Industry, KeyDomain, Status
from .services import derived_key_sector, membership_create
from .validators import CREDIT_CODE_CHARS, credit_code_check_char

BATCH = 2000

# Leaf industry code -> (weight in ‰, words that end a name in that trade).
LEAF_INDUSTRIES = {
    "steel": (15, ["特钢", "钢铁", "钢管"]),
    "ferroalloy": (5, ["合金", "铁合金"]),
    "metallurgy_other": (20, ["冶金", "金属材料", "新材料"]),
    "aluminium": (25, ["铝业", "铝材", "铝合金制品"]),
    "copper": (20, ["铜业", "铜材", "电工材料"]),
    "nonferrous_other": (15, ["有色金属", "合金材料", "粉末冶金"]),
    "cement": (15, ["水泥制品", "建材"]),
    "glass": (10, ["玻璃", "玻璃制品"]),
    "ceramics": (10, ["陶瓷", "耐火材料"]),
    "building_materials_other": (45, ["新型建材", "石材", "保温材料", "混凝土"]),
    "general_equipment": (140, ["机械", "精密机械", "传动设备", "轴承", "机电", "液压设备"]),
    "auto_parts": (100, ["汽车零部件", "汽车配件", "车辆部件"]),
    "electrical": (80, ["电气", "电机", "电器", "电力设备"]),
    "machinery_other": (80, ["五金", "模具", "金属制品", "工具", "紧固件"]),
    "food": (40, ["食品", "调味品", "冷冻食品"]),
    "paper": (15, ["纸业", "纸制品"]),
    "furniture": (35, ["家具", "木业", "装饰材料"]),
    "plastics": (60, ["塑业", "塑料制品", "橡塑"]),
    "light_other": (30, ["包装", "日用品", "文具"]),
    "dyeing": (35, ["印染", "染整"]),
    "chemical_fibre": (20, ["化纤", "纤维"]),
    "garment": (30, ["服饰", "制衣"]),
    "textile_other": (35, ["纺织", "织造", "无纺布"]),
    "tobacco": (1, ["卷烟材料"]),
    "warehousing": (70, ["物流", "仓储", "冷链物流"]),
    "wholesale_retail": (50, ["商贸", "贸易", "物资"]),
}

# Top industry -> probability of each key domain (ammonia is by leaf, below). Weighted over the
# mix above: dust ≈ 25 %, smelting ≈ 5 %, spraying ≈ 8 %, confined space and hazchem ≈ 6 % each.
DOMAIN_ODDS = {
    "metallurgy": {"dust": .15, "smelting": .6, "confined_space": .12, "spraying": .03, "hazchem": .12},
    "nonferrous": {"dust": .45, "smelting": .3, "confined_space": .06, "spraying": .06, "hazchem": .12},
    "building_materials": {"dust": .2, "confined_space": .06, "spraying": .03, "hazchem": .06},
    "machinery": {"dust": .3, "smelting": .02, "confined_space": .03, "spraying": .15, "hazchem": .05},
    "light": {"dust": .3, "confined_space": .12, "spraying": .09, "hazchem": .06},
    "textile": {"dust": .15, "confined_space": .12, "spraying": .01, "hazchem": .12},
    "tobacco": {"dust": .5, "confined_space": .12},
    "commerce": {"dust": .02, "confined_space": .03, "hazchem": .03},
}
AMMONIA_ODDS = {"food": .25, "warehousing": .08}

TRADE_CHARS = ("华泰鑫宏盛恒达润德瑞丰源佳信诚嘉联兴旺隆宇远通力豪金博创天正新立安明和中凯腾龙星海云峰晨益祥鼎"
               "荣威邦顺科亚万美欣骏越奥精强利宝光伟东南升振永长江滨湖阳辉聚协合拓")
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
            "姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯史陶贺顾毛郝龚邵万钱严戴莫孔汤恽")
GIVEN_CHARS = "建国伟明华军勇强平杰峰磊涛斌浩亮超刚辉鹏飞洪春霞丽芳敏静秀英红燕玲娟梅兰凤云新荣忠林海志文"
ROADS = ["长虹路", "人民路", "聚湖路", "武宜路", "常武路", "延政路", "花园街", "湖滨路", "龙锦路", "阳湖路", "南田路",
         "府北路", "滆湖路", "建设路", "工业大道", "兴业路", "创业路", "振兴路", "东方大道", "新园路", "科技路",
         "长江路", "淹城路", "广电路", "和平路", "青洋路", "环湖路", "发展大道", "凤林路", "金鸡路"]
MOBILE_PREFIXES = ["130", "131", "132", "133", "135", "136", "137", "138", "139", "150", "151", "152", "153", "157",
                   "158", "159", "177", "180", "181", "182", "183", "187", "188", "189", "199"]

REASONS = {
    "suspend": ["订单不足，停产", "停产整顿", "厂房改造，暂停生产", "环保整改，停产", "设备检修，停产"],
    "resume": ["整改完成，恢复生产", "订单恢复，复产", "改造完成，复产"],
    "deregister": ["企业注销", "工商注销，销号", "搬离本地，销号", "长期停产，销号"],
}
SITE_KINDS = [
    (ChemicalStorageSite.Kind.TANK, "储罐区", ["盐酸", "硫酸", "液碱", "柴油", "甲醇"], ["20 m³", "30 m³", "50 m³"]),
    (ChemicalStorageSite.Kind.WAREHOUSE, "危化品专用仓库", ["油漆、稀释剂", "乙炔、氧气", "丙酮、乙醇"], ["2 t", "5 t", "10 t"]),
    (ChemicalStorageSite.Kind.INTERMEDIATE_A, "甲类中间仓库", ["天那水、油漆", "乙醇"], ["0.5 t", "1 t"]),
    (ChemicalStorageSite.Kind.INTERMEDIATE_B, "乙类中间仓库", ["硝酸", "氢氧化钠"], ["1 t", "2 t"]),
    (ChemicalStorageSite.Kind.INTERMEDIATE_C, "丙类中间仓库", ["润滑油", "液压油", "切削液"], ["1 t", "3 t"]),
]

HISTORY_START, HISTORY_END = datetime.date(2020, 1, 1), datetime.date(2022, 12, 31)


class _Dates:
    """Effective dates for roster changes: half spread round-robin over the last eight quarters
    (so every recent quarterly report has content), half anywhere between ``after`` and today."""

    def __init__(self, rng, today):
        self.rng, self.today = rng, today
        self.quarters = Period.recent(today, 8)
        self.turn = 0

    def recent(self):
        q = self.quarters[self.turn % len(self.quarters)]
        self.turn += 1
        end = min(q.end, self.today)
        return q.start + datetime.timedelta(days=self.rng.randint(0, (end - q.start).days))

    def between(self, start, end):
        return start + datetime.timedelta(days=self.rng.randint(0, max(0, (end - start).days)))

    def pick(self, after):
        if self.rng.random() < 0.5:
            return max(self.recent(), after)
        return self.between(after, self.today)


class _Roster:
    """Generates the rows; ``build`` writes them."""

    def __init__(self, ctx):
        self.ctx = ctx
        self.rng = ctx.rng
        self.dates = _Dates(ctx.rng, ctx.today)
        self.names, self.codes = set(), set()
        self.leaves = {i.code: i for i in Industry.objects.select_related("parent")}
        self.leaf_codes = list(LEAF_INDUSTRIES)
        self.leaf_weights = [LEAF_INDUSTRIES[c][0] for c in self.leaf_codes]
        self.domains = {d.code: d for d in KeyDomain.objects.all()}
        self.bureau = ctx.users.get("bureau")
        territory = ctx.territory
        self.townships = territory["townships"]
        # Wujin's townships hold more enterprises than the average one elsewhere.
        self.township_weights = [self.rng.uniform(0.6, 1.6) * (1.6 if t.parent.code == "320412" else 1.0)
                                 for t in self.townships]
        self.siblings = {}
        for t in self.townships:
            self.siblings.setdefault(t.parent_id, []).append(t)
        self.villages = territory["villages"]
        self.cells = territory["cells"]

    # -- one enterprise's fields ----------------------------------------------------------------
    def name(self, leaf_code, district, above_scale):
        words = LEAF_INDUSTRIES[leaf_code][1]
        while True:
            roll = self.rng.random()
            prefix = ("常州" if roll < 0.7 else "常州市" if roll < 0.85 else "江苏" if roll < 0.95
                      else "常州" + district.name[:2])
            trade = "".join(self.rng.sample(TRADE_CHARS, 2))
            tech = "科技" if self.rng.random() < 0.15 else ""
            form = "股份有限公司" if above_scale and self.rng.random() < 0.2 else "有限公司"
            name = f"{prefix}{trade}{self.rng.choice(words)}{tech}{form}"
            if name not in self.names:
                self.names.add(name)
                return name

    def credit_code(self, district):
        division = district.code[:6]
        while True:
            if self.rng.random() < 0.7:
                org = "MA" + "".join(self.rng.choices(CREDIT_CODE_CHARS, k=7))
            else:
                org = "".join(self.rng.choices("0123456789", k=8)) + self.rng.choice(CREDIT_CODE_CHARS)
            first17 = f"91{division}{org}"
            code = first17 + credit_code_check_char(first17)
            if code not in self.codes:
                self.codes.add(code)
                return code

    def person(self):
        given = "".join(self.rng.choices(GIVEN_CHARS, k=self.rng.choice((1, 2, 2))))
        return self.rng.choice(SURNAMES) + given

    def phone(self):
        if self.rng.random() < 0.15:
            return f"0519-8{self.rng.randint(0, 9_999_999):07d}"
        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randint(0, 99_999_999):08d}"

    def key_domains(self, leaf):
        top = leaf.top.code
        codes = [code for code, odds in DOMAIN_ODDS[top].items() if self.rng.random() < odds]
        if self.rng.random() < AMMONIA_ODDS.get(leaf.code, 0.003):
            codes.append("ammonia")
        return [self.domains[c] for c in codes if c in self.domains]

    def dust_workers(self):
        roll = self.rng.random()
        if roll < 0.007:
            return self.rng.randint(30, 40)
        if roll < 0.04:
            return self.rng.randint(10, 29)
        return self.rng.randint(1, 9)

    def place(self, township):
        villages = self.villages.get(township.pk) or []
        if not villages or self.rng.random() >= 0.88:
            return None, None
        village = self.rng.choice(villages)
        cells = self.cells.get(village.pk) or []
        cell = self.rng.choice(cells) if cells and self.rng.random() < 0.9 else None
        return village, cell

    # -- history ----------------------------------------------------------------------------------
    def history(self, township):
        """``(status now, township at registration, [(kind, date, to_status, reason)])``."""
        rng, dates = self.rng, self.dates
        if rng.random() < 0.02:  # a new enterprise in one of the recent quarters
            return Status.PRODUCING, township, [("registered", dates.recent(), Status.PRODUCING, "新设企业，纳入名录库")]
        registered = dates.between(HISTORY_START, HISTORY_END)
        after = registered + datetime.timedelta(days=30)
        roll = rng.random()
        if roll < 0.04:
            steps = ["suspend", "deregister"] if rng.random() < 0.5 else ["deregister"]
        elif roll < 0.10:
            steps = ["suspend"]
        elif roll < 0.13:
            steps = ["suspend", "resume"]
        else:
            steps = []
        when = sorted(dates.pick(after) for _ in steps)
        to_status = {"suspend": Status.SUSPENDED, "resume": Status.PRODUCING, "deregister": Status.DEREGISTERED}
        events = [(step, day, to_status[step], rng.choice(REASONS[step])) for step, day in zip(steps, when)]
        origin = township
        others = [t for t in self.siblings[township.parent_id] if t.pk != township.pk]
        if others and rng.random() < 0.035:
            origin = rng.choice(others)
            last = when[-1] if steps and steps[-1] == "deregister" else self.ctx.today
            day = dates.pick(after) if last == self.ctx.today else dates.between(after, last)
            reason = rng.choice([f"属地调整：厂区划归{township.name}", f"企业搬迁至{township.name}"])
            events.append(("transfer", min(day, last), None, reason))
            events.sort(key=lambda e: (e[1], e[0] != "transfer"))
        status = next((e[2] for e in reversed(events) if e[2]), Status.PRODUCING)
        return status, origin, [("registered", registered, Status.PRODUCING, "名录库初始录入")] + events

    # -- the whole roster -------------------------------------------------------------------------
    def generate(self, n):
        rows = []
        for _i in range(n):
            township = self.rng.choices(self.townships, weights=self.township_weights)[0]
            district = township.parent
            leaf = self.leaves[self.rng.choices(self.leaf_codes, weights=self.leaf_weights)[0]]
            domains = self.key_domains(leaf)
            is_key = derived_key_sector(domains)
            above = self.rng.random() < 0.2
            village, cell = self.place(township)
            status, origin, history = self.history(township)
            enterprise = Enterprise(
                credit_code=self.credit_code(district), name=self.name(leaf.code, district, above),
                address=f"{district.name}{township.name}{self.rng.choice(ROADS)}{self.rng.randint(1, 399)}号",
                township=township, village=village, grid_cell=cell, industry=leaf, is_key_sector=is_key,
                above_scale=above,
                dust_workers_per_shift=self.dust_workers() if any(d.code == "dust" for d in domains) else 0,
                status=status, principal_name=self.person(), principal_phone=self.phone(),
                safety_section_established=self.rng.random() < (0.8 if is_key else 0.1),
            )
            rows.append({"enterprise": enterprise, "domains": domains, "origin": origin, "history": history})
        self._ensure_big_dust(rows)
        return rows

    def _ensure_big_dust(self, rows):
        """RULES.md §4 item 3 names the enterprises with ≥ 30 and ≥ 10 dust workers per shift: make
        sure the demo has a handful of each whatever its size."""
        dust = [r["enterprise"] for r in rows if r["enterprise"].dust_workers_per_shift]
        if len(dust) < 20:
            return
        small = [e for e in dust if e.dust_workers_per_shift < 10]
        self.rng.shuffle(small)
        want_30 = max(2, len(dust) // 150) - sum(e.dust_workers_per_shift >= 30 for e in dust)
        want_10 = max(5, len(dust) // 40) - sum(e.dust_workers_per_shift >= 10 for e in dust) - max(want_30, 0)
        for _i in range(max(want_30, 0)):
            if small:
                small.pop().dust_workers_per_shift = self.rng.randint(30, 40)
        for _i in range(max(want_10, 0)):
            if small:
                small.pop().dust_workers_per_shift = self.rng.randint(10, 29)

    def tenants(self, rows):
        """About 2 % of the enterprises on the roster rent space on another's premises (厂中厂)."""
        by_township = {}
        for row in rows:
            if row["enterprise"].status != Status.DEREGISTERED:
                by_township.setdefault(row["enterprise"].township.pk, []).append(row)
        pairs = []
        for township_rows in by_township.values():
            if len(township_rows) < 10:
                continue
            chosen = self.rng.sample(township_rows, max(1, len(township_rows) // 50))
            taken = {id(r) for r in chosen}
            hosts = [r for r in township_rows if id(r) not in taken]
            for row in chosen:
                pairs.append((row, self.rng.choice(hosts)))
        return pairs


def _write(ctx, roster, rows):
    tenant_of = {id(row): host for row, host in roster.tenants(rows)}
    for row, host in ((r, tenant_of[id(r)]) for r in rows if id(r) in tenant_of):
        row["enterprise"].address = host["enterprise"].address + "（厂中厂）"
    hosts_first = [r["enterprise"] for r in rows if id(r) not in tenant_of]
    Enterprise.objects.bulk_create(hosts_first, batch_size=BATCH)
    tenants = []
    for row in rows:
        if id(row) in tenant_of:
            row["enterprise"].host = tenant_of[id(row)]["enterprise"]
            tenants.append(row["enterprise"])
    Enterprise.objects.bulk_create(tenants, batch_size=BATCH)

    Through = Enterprise.key_domains.through
    Through.objects.bulk_create(
        (Through(enterprise_id=r["enterprise"].pk, keydomain_id=d.pk) for r in rows for d in r["domains"]),
        batch_size=BATCH)

    changes = []
    for row in rows:
        e, township, status = row["enterprise"], row["origin"], Status.PRODUCING
        for kind, day, to_status, reason in row["history"]:
            if kind == "registered":
                changes.append(EnterpriseChange(enterprise=e, kind=EnterpriseChange.Kind.REGISTERED,
                                                to_status=to_status, to_township=township, effective_date=day,
                                                reason=reason))
            elif kind == "transfer":
                changes.append(EnterpriseChange(enterprise=e, kind=EnterpriseChange.Kind.TRANSFER,
                                                from_status=status, to_status=status, from_township=township,
                                                to_township=e.township, effective_date=day, reason=reason,
                                                by=roster.bureau))
                township = e.township
            else:
                changes.append(EnterpriseChange(enterprise=e, kind=EnterpriseChange.Kind.STATUS,
                                                from_status=status, to_status=to_status, from_township=township,
                                                to_township=township, effective_date=day, reason=reason,
                                                by=roster.bureau))
            status = to_status or status
    EnterpriseChange.objects.bulk_create(changes, batch_size=BATCH)

    sites = []
    rng = ctx.rng
    for row in rows:
        codes = {d.code for d in row["domains"]}
        e = row["enterprise"]
        if "ammonia" in codes:
            sites.append(ChemicalStorageSite(enterprise=e, kind=ChemicalStorageSite.Kind.TANK, name="液氨储罐",
                                             chemicals="液氨", capacity=rng.choice(["5 m³", "10 m³", "20 m³"])))
        if "hazchem" in codes and rng.random() < 0.6:
            for kind, name, chemicals, capacities in rng.sample(SITE_KINDS, rng.randint(1, 3)):
                sites.append(ChemicalStorageSite(enterprise=e, kind=kind, name=name,
                                                 chemicals=rng.choice(chemicals), capacity=rng.choice(capacities)))
    ChemicalStorageSite.objects.bulk_create(sites, batch_size=BATCH)
    return changes, sites


def _principal_account(ctx, rows):
    """The ``qiye`` account: principal of a producing 湖塘镇 enterprise, preferably a key-sector one
    in a grid cell, so the enterprise user sees a page with something on it."""
    candidates = [r["enterprise"] for r in rows
                  if r["enterprise"].township.name == "湖塘镇" and r["enterprise"].township.parent.code == "320412"
                  and r["enterprise"].status == Status.PRODUCING and r["enterprise"].host_id is None]
    if not candidates:
        return
    candidates.sort(key=lambda e: (not e.is_key_sector, e.grid_cell_id is None, e.pk))
    enterprise = candidates[0]
    user = ctx.account_create(username="qiye", role="enterprise", bound_to=enterprise.name,
                              full_name=enterprise.principal_name)
    if not hasattr(user, "enterprise_membership"):
        membership_create(user=user, enterprise=enterprise, position="principal")


def roster_build(ctx):
    roster = _Roster(ctx)
    rows = roster.generate(ctx.enterprises)
    changes, sites = _write(ctx, roster, rows)
    _principal_account(ctx, rows)
    recent = Period.recent(ctx.today, 2)
    per_quarter = {q: sum(q.start <= c.effective_date <= q.end and c.kind != EnterpriseChange.Kind.REGISTERED
                          for c in changes) for q in recent}
    ctx.log(f"  {len(rows)} enterprises ({sum(r['enterprise'].is_key_sector for r in rows)} key-sector, "
            f"{sum(r['enterprise'].host_id is not None for r in rows)} factory-in-factory tenants), "
            f"{len(changes)} roster changes (status changes and transfers: "
            f"{', '.join(f'{q} {n}' for q, n in per_quarter.items())}), {len(sites)} chemical storage sites")


register("enterprises", roster_build, order=30, populated=lambda: Enterprise.objects.exists())
