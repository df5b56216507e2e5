"""Demo self-check lists (issue 11 "Demo": a campaign with its self-check list half done).

A general inspection campaign of the demo district (武进区) under way today — started two weeks ago,
a month to go — whose targets are a sample of the district's producing enterprises (the demo's
``qiye`` enterprise among them, so its account has a list to fill in). The bureau sent the general
checklist ten days ago through ``self_check_send``; half the lists (never ``qiye``'s) were submitted
through ``self_check_submit`` on the days since, one in four with a failed item that entered the
hazard ledger as an enterprise self-check; a few of the rest are past their due date. Rows are what
the services write; only the times are set back to the days they stand for.
"""
import datetime
import random

from django.utils import timezone

from enterprises.models import Enterprise, Status
from grid.models import Region
from portal.demo import register

from .models import Campaign, ChecklistTemplate, Hazard, SelfCheckList
from .services import campaign_create, self_check_items, self_check_send, self_check_submit

DISTRICT = "320412"
TARGETS = 40
NAME = "企业安全生产深度自查"


def _at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def self_checks_build(ctx):
    rng, today = random.Random(f"self-checks-{ctx.seed}"), ctx.today
    district = Region.objects.filter(code=DISTRICT).first()
    bureau = ctx.users.get("bureau")
    checklist = ChecklistTemplate.objects.filter(code="general", region=None, status="published").first()
    if district is None or bureau is None or checklist is None:
        ctx.log("  no demo district, bureau account or general checklist: self-check lists skipped")
        return
    qiye = ctx.users.get("qiye")
    membership = getattr(qiye, "enterprise_membership", None) if qiye is not None else None
    own = membership.enterprise_id if membership is not None else None
    pool = list(Enterprise.objects.filter(township__parent=district, status=Status.PRODUCING)
                .exclude(pk=own).order_by("pk").values_list("pk", flat=True))
    chosen = rng.sample(pool, min(len(pool), TARGETS - (own is not None))) + ([own] if own else [])
    if not chosen:
        ctx.log("  no producing enterprise in the demo district: self-check lists skipped")
        return
    start, end = today - datetime.timedelta(days=14), today + datetime.timedelta(days=30)
    campaign = campaign_create(
        region=district, by=bureau, kind=Campaign.Kind.GENERAL, start=start, end=end, name=f"{start.year}年{NAME}",
        description="向辖区正常生产的工贸企业下发自查清单，督促企业对照检查表逐项开展深度自查，发现的问题纳入隐患台账整改。",
        targets=Enterprise.objects.filter(pk__in=chosen).select_related("township"))
    sent_on = today - datetime.timedelta(days=10)
    self_check_send(campaign=campaign, by=bureau, checklist=checklist, due_date=today + datetime.timedelta(days=5))
    lists = list(campaign.self_check_lists.select_related("enterprise__township").order_by("pk"))
    SelfCheckList.objects.filter(campaign=campaign).update(sent_at=_at(sent_on, 9))
    others = [x for x in lists if x.enterprise_id != own]
    done = others[: len(lists) // 2]
    items = list(self_check_items(lists[0]))
    failed = 0
    for index, lst in enumerate(done):
        fail = items[rng.randrange(len(items))] if index % 4 == 0 else None
        failed += fail is not None
        answers = [{"item": i.code, "result": "fail" if i is fail else ("na" if rng.random() < 0.05 else "pass"),
                    "note": "现场检查发现未落实，已安排整改" if i is fail else ""} for i in items]
        self_check_submit(self_check=lst, by=None, answers=answers)
        day = sent_on + datetime.timedelta(days=rng.randint(1, 10))
        day = min(day, today)
        SelfCheckList.objects.filter(pk=lst.pk).update(done_at=_at(day, rng.randint(8, 17)))
        Hazard.objects.filter(self_check_answer__self_check=lst).update(found_on=day)
    # a few of the rest were due already: the township's to-do names them
    late = [x.pk for x in others[len(done):]][:3]
    SelfCheckList.objects.filter(pk__in=late).update(due_date=today - datetime.timedelta(days=1))
    ctx.log(f"  campaign {campaign.name}: {len(lists)} self-check lists sent, {len(done)} done "
            f"({failed} with a failed item entered as a hazard), {len(late)} past their due date")


register("inspections.self_checks", self_checks_build, order=41, populated=lambda: SelfCheckList.objects.exists())
