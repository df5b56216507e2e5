"""Demo risk reports and dust cleaning (issue 11, "Demo"), built back from the demo's today on top of
the risk demo's points and accounts (``risk_reports/demo.py``, order 50; this runs at 60, before the
snapshots at 80 so the quarter's figures have them).

- **Risk reports**: the periodic report of the latest year whose deadline (``risk.periodic_report_deadline``,
  31 March) has passed — most accepted, some submitted late, some awaiting acceptance, some returned
  with a reason, some left as drafts, and enterprises that never reported; first reports of the
  enterprises registered in the last year; a few change reports. A submitted report holds the
  enterprise's points live on the day it was submitted (``report_submit`` freezes them the same way).
  In every township the first enterprises take each state in turn, so 湖塘镇 (the ``hutang`` account)
  shows all of them. Model enterprises: two or three per township for the year, one township short.
- **Dust cleaning**: 1–3 key dust sites of each producing dust-domain enterprise, 35 days of daily
  photos with gaps (a few lagging sites and townships), the escalations the nightly job would have
  written for those gaps (day 1 / 3 / 7 of a gap, once each; old day-7 verifications closed with a
  finding), and in 湖塘镇 one site at each step today (a gap of 1, of 3, and of 10 days with its
  verification open), a photo flagged as repeating an earlier one (the same perceptual hash), one
  flagged for its time (taken the day before), one sent back and uploaded again, the last week's photos
  with a stored picture and a recorded spot-check draw. Holiday duty rosters (值班值守) for National Day
  and the coming New Year.

Rows go in with ``bulk_insert``, the two large tables (photos, report items) as plain rows rather than
model instances (``_rows``: a model's ``__init__`` is most of the time at this volume), all in one
transaction: about 32 000 photo rows and 27 000 report items for ``make demo``'s 3 000 enterprises, ~7 s
on SQLite.
"""
import datetime
import hashlib
import io
import random
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from enterprises.models import Enterprise, EnterpriseChange, EnterpriseMembership, Status
from grid.models import Region
from portal.accounts.models import Role
from portal.attachments.models import Attachment
from portal.attachments.services import attachment_create
from portal.demo import bulk_insert, register

from .models import (DustEscalation, DustSite, DustUpload, DutyRoster, EscalationStep, FlagReason, ModelEnterprise,
                     ReportKind, ReportState, RiskPoint, RiskReport, RiskReportItem)
from .services.reports import SIGNIFICANT, periodic_deadline

ORDER = 60  # after the risk points (50), before the snapshots (80)
DAY = datetime.timedelta(days=1)
DUST_DAYS = 35  # days of photos back from today
Position = EnterpriseMembership.Position
SITE_NAMES = ["抛光车间", "打磨车间", "除尘器区域", "喷粉房", "木工车间", "砂光间", "粉碎车间", "铝镁粉尘作业区"]
LOCATIONS = ["一号厂房东侧", "二号厂房", "主车间北侧", "厂区西南角", "三号厂房一楼"]
RETURN_REASONS = ["较大风险辨识不全，请补充除尘系统相关风险", "管控措施过于笼统，请按岗位细化",
                  "责任人及联系电话缺失，请补全后重新提交"]
CHANGE_NOTES = ["新增喷涂线，较大风险增加", "除尘系统改造，风险等级调整", "新增液氨制冷设备"]
FINDINGS = ["现场核查：企业已恢复每日清扫，补传照片", "现场核查：停产检修期间未清扫，已责令复产前清扫",
            "现场核查：负责人更换未交接，已重新明确清扫责任人"]
SEND_BACK = "照片模糊，看不清清扫后的地面，请重新拍摄上传"
DUTY = ["值班电话24小时畅通", "节假日期间停产，专人巡查", ""]
# the periodic report's states in a township's first enterprises, then at random (weights)
FORCED = ["accepted", "submitted", "returned", "draft", "never", "late"]
WEIGHTS = {"accepted": 70, "late": 6, "submitted": 6, "returned": 5, "draft": 5, "never": 8}


def _rows(model):
    """A maker of light rows for ``bulk_insert``: every concrete field's attname at its default, the
    given values over them, and the ``_state`` bulk_insert sets."""
    defaults = {f.attname: (f.get_default() if f.has_default() or f.null else "") for f in model._meta.concrete_fields
                if not f.primary_key}

    def make(**values):
        row = SimpleNamespace(**{**defaults, **values})
        row._state = SimpleNamespace()
        return row
    return make


UploadRow, ItemRow = _rows(DustUpload), _rows(RiskReportItem)


def _photo_bytes():
    """A grey floor with a broom-swept stripe: one real stored picture the demo's photos share."""
    image = Image.new("RGB", (640, 480), (168, 168, 160))
    draw = ImageDraw.Draw(image)
    for i in range(0, 640, 40):
        draw.rectangle([i, 300, i + 24, 480], fill=(190, 190, 182))
    draw.rectangle([40, 40, 600, 120], fill=(90, 110, 140))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


class _Build:
    def __init__(self, ctx):
        self.ctx, self.rng = ctx, random.Random(f"dust-reports-{ctx.seed}")
        self.today, self.now = ctx.today, timezone.now()
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.hutang = ctx.users.get("hutang")
        self.bureau = ctx.users.get("bureau")
        self.counts = {}

    # -- helpers ----------------------------------------------------------------------------------
    def at(self, day, lo=8 * 60, hi=17 * 60 + 30):
        """An aware time on ``day`` (never after now), or None when that window has not begun."""
        if day > self.today:
            return None
        if day == self.today:
            current = timezone.localtime(self.now, self.zone)
            hi = min(hi, current.hour * 60 + current.minute - 1)
            if hi < lo:
                return None
        minutes = self.rng.randint(lo, hi)
        return datetime.datetime.combine(day, datetime.time(0), self.zone) + datetime.timedelta(
            minutes=minutes, seconds=self.rng.randint(0, 59))

    def clip(self, moment):
        return min(moment, self.now)

    def token(self):
        return hashlib.sha256(self.rng.getrandbits(256).to_bytes(32, "big")).hexdigest()[:40]

    def hexhash(self):
        return f"{self.rng.getrandbits(64):016x}"

    def supervisor(self, township):
        if self.hutang is not None and township == self.hutang.region_id:
            return self.hutang.pk
        return self.bureau.pk if self.bureau is not None else None

    # -- the roster --------------------------------------------------------------------------------
    def load(self):
        dust = set(Enterprise.key_domains.through.objects.filter(keydomain__code="dust")
                   .values_list("enterprise_id", flat=True))
        registered = dict(EnterpriseChange.objects.filter(kind=EnterpriseChange.Kind.REGISTERED)
                          .values_list("enterprise_id", "effective_date"))
        self.users = {}
        for eid, uid, position in EnterpriseMembership.objects.filter(user__is_active=True).values_list(
                "enterprise_id", "user_id", "position"):
            self.users.setdefault(eid, []).append((position, uid))
        self.enterprises = [
            {"pk": pk, "township": t, "code": code, "status": status, "key": key or above, "dust": pk in dust,
             "registered": registered.get(pk, self.today - 365 * DAY)}
            for pk, t, code, status, key, above in Enterprise.objects.order_by("township__order", "township", "pk")
            .values_list("pk", "township_id", "credit_code", "status", "is_key_sector", "above_scale")]
        self.points = {}
        for row in RiskPoint.objects.order_by("area", "name", "pk").values_list(
                "pk", "enterprise_id", "created_on", "retired_on", "name", "area", "level", "basis", "score",
                "factors", "accident_types", "measures", "responsible_person", "responsible_phone"):
            self.points.setdefault(row[1], []).append(row)

    def writer(self, e):
        """A principal or safety manager of the enterprise (an account made if it has none)."""
        mine = [uid for position, uid in self.users.get(e["pk"], ()) if position in (Position.PRINCIPAL,
                                                                                     Position.SAFETY_MANAGER)]
        return mine[0] if mine else None

    def accounts(self, enterprises):
        """The dust enterprises that do not use the Changan code still upload their photos: a safety
        manager account for those with none (username ``<credit code>-02``, unusable password)."""
        User = get_user_model()
        taken = set(User.objects.filter(username__in=[f"{e['code']}-02" for e in enterprises])
                    .values_list("username", flat=True))
        owners = [e for e in enterprises if self.writer(e) is None and f"{e['code']}-02" not in taken]
        users = [User(username=f"{e['code']}-02", role=Role.ENTERPRISE, full_name="安全管理员",
                      password="!" + self.token(), date_joined=self.now - 90 * DAY) for e in owners]
        bulk_insert(User, users)
        bulk_insert(EnterpriseMembership, [EnterpriseMembership(user_id=u.pk, enterprise_id=e["pk"],
                                                                position=Position.SAFETY_MANAGER)
                                           for e, u in zip(owners, users)])
        for e, u in zip(owners, users):
            self.users.setdefault(e["pk"], []).append((Position.SAFETY_MANAGER, u.pk))
        self.counts["accounts"] = len(users)

    # -- risk reports ------------------------------------------------------------------------------
    def items(self, report, enterprise, day):
        rows = []
        for (pk, _e, created, retired, name, area, level, basis, score, factors, accidents, measures, person,
             phone) in self.points.get(enterprise, ()):
            if created <= day and (retired is None or retired > day):
                rows.append(ItemRow(report_id=report.pk, point_id=pk, name=name, area=area, level=level, basis=basis,
                                           score=score, factors=factors, accident_types=accidents, measures=measures,
                                           responsible_person=person, responsible_phone=phone))
        return rows

    def has_points(self, e, day):
        return any(c <= day and (r is None or r > day) for _p, _e, c, r, *_rest in self.points.get(e["pk"], ()))

    def report(self, e, kind, state, submitted_on, *, year=None, note="", by=None):
        """A report row and its frozen items (or none for a draft)."""
        created = self.clip(self.at(submitted_on - self.rng.randint(0, 6) * DAY) or self.now)
        r = RiskReport(enterprise_id=e["pk"], kind=kind, year=year, state=ReportState.DRAFT, note=note,
                       created_at=created, created_by_id=by)
        if state == "draft":
            return r, []
        submitted = self.clip(max(created, self.at(submitted_on) or self.now))
        r.state, r.submitted_at, r.submitted_by_id, r.township_id = ReportState.SUBMITTED, submitted, by, e["township"]
        supervisor = self.supervisor(e["township"])
        if state == "returned":
            r.state, r.return_reason = ReportState.RETURNED, self.rng.choice(RETURN_REASONS)
            r.returned_at, r.returned_by_id = self.clip(submitted + self.rng.randint(1, 5) * DAY), supervisor
        elif state == "accepted":
            r.state = ReportState.ACCEPTED
            r.accepted_at, r.accepted_by_id = self.clip(submitted + self.rng.randint(1, 12) * DAY), supervisor
        return r, submitted_on

    def reports(self):
        year = self.today.year if periodic_deadline(self.today.year) < self.today else self.today.year - 1
        deadline = periodic_deadline(year)
        opened = datetime.date(year, 1, 15)
        rows, pending = [], []  # pending: (report, enterprise, frozen day)
        seen = {}
        states = {s: 0 for s in WEIGHTS}
        for e in self.enterprises:
            if e["status"] != Status.PRODUCING or not self.has_points(e, deadline):
                continue
            n = seen.get(e["township"], 0)
            seen[e["township"]] = n + 1
            state = FORCED[n] if n < len(FORCED) else self.rng.choices(list(WEIGHTS), list(WEIGHTS.values()))[0]
            states[state] += 1
            if state == "never":
                continue
            by = self.writer(e)
            if state == "late":
                day = min(deadline + self.rng.randint(5, 60) * DAY, self.today)
                state = "accepted"
            elif state == "submitted":  # resubmitted or late, awaiting the township
                day = self.today - self.rng.randint(1, 20) * DAY
            else:
                day = opened + self.rng.randint(0, (deadline - opened).days) * DAY
            r, frozen = self.report(e, ReportKind.PERIODIC, state, day, year=year, by=by)
            pending.append((r, e["pk"], frozen))
        # first reports: the enterprises registered in the last year, within 30 days of their first point
        for e in self.enterprises:
            if e["status"] != Status.PRODUCING or e["registered"] < self.today - 365 * DAY:
                continue
            created = [c for _p, _e, c, *_rest in self.points.get(e["pk"], ())]
            if not created or self.rng.random() < .1:
                continue
            day = min(min(created) + self.rng.randint(1, 25) * DAY, self.today)
            state = "accepted" if day < self.today - 15 * DAY else self.rng.choice(["submitted", "accepted"])
            r, frozen = self.report(e, ReportKind.FIRST, state, day, by=self.writer(e))
            pending.append((r, e["pk"], frozen))
        # change reports: a few enterprises with a significant-or-above risk, in the last quarter
        significant = [e for e in self.enterprises if e["status"] == Status.PRODUCING and any(
            row[6] in SIGNIFICANT for row in self.points.get(e["pk"], ()))]
        for e in self.rng.sample(significant, min(len(significant), max(2, len(significant) // 30))):
            day = self.today - self.rng.randint(2, 80) * DAY
            state = self.rng.choice(["accepted", "submitted", "draft"])
            r, frozen = self.report(e, ReportKind.CHANGE, state, day, note=self.rng.choice(CHANGE_NOTES),
                                    by=self.writer(e))
            pending.append((r, e["pk"], frozen))
        reports = [r for r, _e, _d in pending]
        bulk_insert(RiskReport, reports)
        items = []
        for r, enterprise, frozen in pending:
            if frozen:
                items += self.items(r, enterprise, frozen)
        bulk_insert(RiskReportItem, items)
        self.counts.update(reports=len(reports), items=len(items), never=states["never"], report_year=year)
        self.model_enterprises(year=self.today.year)

    def model_enterprises(self, *, year):
        accepted = set(RiskReport.objects.filter(state=ReportState.ACCEPTED).values_list("enterprise_id", flat=True))
        by_township = {}
        for e in self.enterprises:
            if e["pk"] in accepted:
                by_township.setdefault(e["township"], []).append(e)
        rows = []
        for i, (township, enterprises) in enumerate(sorted(by_township.items())):
            n = 1 if i == 1 else 2 + (self.rng.random() < .3)  # the second township is short of the minimum
            for e in self.rng.sample(enterprises, min(n, len(enterprises))):
                marked = self.clip(self.at(datetime.date(year, 5, 1) + self.rng.randint(0, 29) * DAY) or self.now)
                rows.append(ModelEnterprise(enterprise_id=e["pk"], year=year, township_id=township,
                                            marked_by_id=self.supervisor(township), marked_at=marked))
        bulk_insert(ModelEnterprise, rows)
        self.counts["models"] = len(rows)

    # -- dust cleaning -----------------------------------------------------------------------------
    def dust(self):
        dust = [e for e in self.enterprises if e["dust"] and e["status"] == Status.PRODUCING]
        if not dust:
            return
        self.accounts(dust)
        first = self.today - DUST_DAYS * DAY
        townships = sorted({e["township"] for e in dust})
        lagging = set(townships[1::5])  # every fifth township lets its photos slip
        sites = []
        for e in dust:
            names = self.rng.sample(SITE_NAMES, 1 + (self.rng.random() < .4) + (self.rng.random() < .1))
            for name in names:
                created = first if self.rng.random() < .93 else first + self.rng.randint(5, 30) * DAY
                sites.append(DustSite(enterprise_id=e["pk"], name=name, location=self.rng.choice(LOCATIONS),
                                      token=self.token(), created_on=created, created_by_id=self.writer(e)))
                sites[-1].township = e["township"]
        bulk_insert(DustSite, sites)
        home = self.hutang.region_id if self.hutang is not None else None
        if home not in {s.township for s in sites}:
            home = max(townships, key=lambda t: sum(s.township == t for s in sites))
        forced = [s for s in sites if s.township == home and s.created_on == first]
        yesterday = self.today - DAY
        # the gap each forced site is in (first missing day, last missing day)
        gaps = {}
        if len(forced) >= 1:
            gaps[forced[0].pk] = [(yesterday, self.today)]                            # day 1: reminded
        if len(forced) >= 2:
            gaps[forced[1].pk] = [(yesterday - 2 * DAY, self.today)]                  # day 3: urged
        if len(forced) >= 3:
            gaps[forced[2].pk] = [(yesterday - 9 * DAY, self.today)]                  # day 7: to verify
        if len(forced) >= 4:
            gaps[forced[3].pk] = [(self.today - 30 * DAY, self.today - 22 * DAY)]     # verified and closed
        self.home, self.forced = home, forced
        uploads, escalations = [], []
        for site in sites:
            poor = site.township in lagging or self.rng.random() < .06
            miss, streaks = (.08, (1, 1, 2, 3, 5, 8)) if poor else (.01, (1, 1, 1, 2, 3))
            forced_gaps = gaps.get(site.pk)
            missing, day, streak = set(), site.created_on, 0
            while day <= self.today:
                if forced_gaps is not None:
                    if any(a <= day <= b for a, b in forced_gaps):
                        missing.add(day)
                elif streak:
                    missing.add(day)
                    streak -= 1
                elif self.rng.random() < miss:
                    streak = self.rng.choice(streaks) - 1
                    missing.add(day)
                day += DAY
            self.site_days(site, missing, uploads, escalations)
        bulk_insert(DustUpload, uploads)
        bulk_insert(DustEscalation, escalations)
        self.flags(uploads)
        self.photos(uploads)
        self.sample()
        self.duty(dust)
        self.counts.update(sites=len(sites), uploads=len(uploads), escalations=len(escalations),
                           open_verifications=sum(1 for x in escalations if x.step == EscalationStep.VERIFY
                                                  and x.closed_at is None))

    def site_days(self, site, missing, uploads, escalations):
        by = self.writer({"pk": site.enterprise_id})
        last, day = None, site.created_on
        while day <= self.today:
            moment = None if day in missing else self.at(day, 7 * 60, 18 * 60)
            if day == self.today and moment is not None and self.rng.random() < .3:
                moment = None  # not yet uploaded this morning
            if moment is not None:
                taken = moment - datetime.timedelta(minutes=self.rng.randint(1, 40))
                u = UploadRow(
                    site_id=site.pk, enterprise_id=site.enterprise_id, township_id=site.township, day=day, by_id=by,
                    uploaded_at=moment, received_at=moment + datetime.timedelta(seconds=self.rng.randint(1, 90)),
                    taken_at=taken if taken.date() == day else moment, phash=self.hexhash(),
                    client_key=self.token(), payload_hash=self.token())
                r = self.rng.random()  # a few flagged for their time (reviewed when over a week old)
                if r < .01:
                    u.flagged = True
                    u.flag_reason, u.taken_at = ((FlagReason.NO_TIME, None) if r < .004 else
                                                 (FlagReason.OTHER_DAY, moment - DAY))
                    u.reviewed_at = self.clip(moment + 2 * DAY) if day < self.today - 7 * DAY else None
                uploads.append(u)
                last = day
            elif day < self.today:  # the nightly job of that day escalated the gap
                start = last + DAY if last else site.created_on
                length = (day - start).days + 1
                if length in (1, 3, 7):
                    sent = datetime.datetime.combine(day + DAY, datetime.time(0, 20), self.zone)
                    x = DustEscalation(site_id=site.pk, enterprise_id=site.enterprise_id, township_id=site.township,
                                       gap_start=start, step=length, sent_on=day, sent_at=min(sent, self.now))
                    if length == EscalationStep.VERIFY and day < self.today - 5 * DAY:
                        x.closed_at = self.clip(sent + self.rng.randint(1, 4) * DAY)
                        x.closed_by_id, x.finding = self.supervisor(site.township), self.rng.choice(FINDINGS)
                    escalations.append(x)
            day += DAY

    def flags(self, uploads):
        """In the home township a repeated photo, one taken the day before and one sent back and
        uploaded again, recent and not yet reviewed."""
        week = self.today - 7 * DAY
        home = [u for u in uploads if u.township_id == self.home]
        recent = sorted((u for u in home if week <= u.day < self.today), key=lambda u: (u.day, u.pk))
        by_enterprise = {}
        for u in sorted(home, key=lambda u: (u.day, u.pk)):
            by_enterprise.setdefault(u.enterprise_id, []).append(u)
        repeat = next((u for u in reversed(recent) if len(by_enterprise[u.enterprise_id]) > 10), None)
        if repeat is not None:
            earlier = by_enterprise[repeat.enterprise_id][0]
            repeat.phash, repeat.flagged, repeat.flag_reason = earlier.phash, True, FlagReason.REPEAT
            DustUpload.objects.filter(pk=repeat.pk).update(phash=earlier.phash, flagged=True, repeats=earlier.pk,
                                                           flag_reason=FlagReason.REPEAT, reviewed_at=None)
        other = next((u for u in recent if u is not repeat and not u.flagged), None)
        if other is not None:
            other.flagged, other.flag_reason, other.taken_at = True, FlagReason.OTHER_DAY, other.uploaded_at - DAY
            DustUpload.objects.filter(pk=other.pk).update(flagged=True, flag_reason=FlagReason.OTHER_DAY,
                                                          taken_at=other.taken_at, reviewed_at=None)
        back = next((u for u in reversed(recent) if u is not repeat and u is not other and not u.flagged), None)
        if back is not None:  # sent back the same day and uploaded again: the day still counts
            sent_back = back.uploaded_at + datetime.timedelta(hours=1)
            DustUpload.objects.filter(pk=back.pk).update(sent_back_at=sent_back, sent_back_by=self.supervisor(
                self.home), sent_back_reason=SEND_BACK, reviewed_at=sent_back)
            again = sent_back + datetime.timedelta(hours=2)
            if again.date() > back.day or again > self.now:
                again = back.uploaded_at + datetime.timedelta(minutes=10)
            new = UploadRow(site_id=back.site_id, enterprise_id=back.enterprise_id, township_id=back.township_id,
                             day=back.day, by_id=back.by_id, uploaded_at=again, received_at=again, taken_at=again,
                             phash=self.hexhash(), client_key=self.token(), payload_hash=self.token())
            bulk_insert(DustUpload, [new])
            uploads.append(new)
        self.counts["flagged"] = DustUpload.objects.filter(flagged=True).count()

    def photos(self, uploads):
        """A stored picture for the home township's photos of the last week (the review list shows
        them): one real file through the upload validator, the other rows pointing at it."""
        week = [u for u in uploads if u.township_id == self.home and u.day >= self.today - 7 * DAY]
        if not week:
            return
        User = get_user_model()
        first = attachment_create(owner=DustUpload(pk=week[0].pk), by=User.objects.filter(pk=week[0].by_id).first(),
                                  file=SimpleUploadedFile("清扫.jpg", _photo_bytes()))
        from django.contrib.contenttypes.models import ContentType

        content_type = ContentType.objects.get_for_model(DustUpload).pk
        rows = [Attachment(content_type_id=content_type, object_id=u.pk, file=first.file.name,
                           original_name=first.original_name, mime_type=first.mime_type, size=first.size,
                           width=first.width, height=first.height, taken_at=u.taken_at, sha256=first.sha256,
                           uploaded_by_id=u.by_id, uploaded_at=u.received_at) for u in week[1:]]
        bulk_insert(Attachment, rows)
        photo = {week[0].pk: first.pk, **{u.pk: a.pk for u, a in zip(week[1:], rows)}}
        objs = [DustUpload(pk=pk, photo_id=a) for pk, a in photo.items()]
        DustUpload.objects.bulk_update(objs, ["photo"], batch_size=500)

    def sample(self):
        """The home township's recorded spot-check of last week's photos (``dust_sample_draw``)."""
        if self.hutang is None or self.hutang.region_id != self.home:
            return
        from .services.dust import dust_sample_draw

        week = DustUpload.objects.filter(township_id=self.home, day__gte=self.today - 7 * DAY,
                                         day__lt=self.today, sent_back_at__isnull=True).count()
        if week:
            dust_sample_draw(by=self.hutang, day_from=self.today - 7 * DAY, day_to=self.today - DAY,
                             n=min(10, week), seed=self.ctx.seed)
            self.counts["sampled"] = min(10, week)

    def duty(self, dust):
        """Who is on duty over National Day (新北区's enterprises all, elsewhere most) and the coming New Year."""
        national = datetime.date(self.today.year if self.today >= datetime.date(self.today.year, 10, 1)
                                 else self.today.year - 1, 10, 1)
        new_year = datetime.date(self.today.year + 1, 1, 1)
        xinbei = set(Region.objects.filter(parent__name="新北区").values_list("pk", flat=True))
        rows = []
        for e in dust:
            for start, days, odds in ((national, 8, .7), (new_year, 3, .4)):
                if e["township"] in xinbei or self.rng.random() < odds:
                    rows.append(DutyRoster(enterprise_id=e["pk"], starts_on=start, ends_on=start + (days - 1) * DAY,
                                           person=self.ctx_person(), phone=self.phone(), note=self.rng.choice(DUTY)))
        bulk_insert(DutyRoster, rows)
        self.counts["duty"] = len(rows)

    def ctx_person(self):
        from enterprises.demo import GIVEN_CHARS, SURNAMES

        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN_CHARS, k=self.rng.choice((1, 2))))

    def phone(self):
        from enterprises.demo import MOBILE_PREFIXES

        return self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randint(0, 99_999_999):08d}"

    def build(self):
        self.load()
        if not self.enterprises:
            self.ctx.log("  no enterprises: skipped")
            return
        self.reports()
        self.dust()
        c = self.counts
        self.ctx.log(
            f"  {c.get('reports', 0)} risk reports ({c.get('items', 0)} items; {c.get('never', 0)} enterprises never "
            f"reported for {c.get('report_year')}), {c.get('models', 0)} model enterprises; "
            f"{c.get('sites', 0)} key dust "
            f"sites, {c.get('uploads', 0)} cleaning photos ({c.get('flagged', 0)} flagged), {c.get('escalations', 0)} "
            f"escalations ({c.get('open_verifications', 0)} verifications open), {c.get('duty', 0)} duty rosters")


def dust_reports_build(ctx):
    with transaction.atomic():
        _Build(ctx).build()


register("risk_reports.dust_reports", dust_reports_build, order=ORDER,
         populated=lambda: DustSite.objects.exists() or RiskReport.objects.exists())
