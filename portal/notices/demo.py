"""Demo data (``manage.py demo_data``): the city's notice of the last closed quarter, drafted from
its snapshot, its next steps written and published — numbered, sent, its PDF and .docx rendered —
and the district bureau's draft of the same quarter, waiting for its next steps, so that the
notice can be opened and the publishing journey walked at first start."""
from django.contrib.auth import get_user_model

from portal.assessments.models import Snapshot
from portal.demo import register
from portal.figures.periods import Period

from . import services
from .models import Notice

ORDER = 90  # after the snapshots (portal.assessments: 80)

NEXT_STEPS = [
    "（一）压紧压实安全生产责任。各地要对照本通报指出的问题，逐项明确整改责任人和完成时限，"
    "于下季度首月底前将整改情况报市应急管理局。",
    "（二）深化常安码风险报告应用。督促企业主要负责人带头扫码自查，逾期率高于30%的板块要开展专项督导，"
    "逾期率高的企业一律取消标准化评审参评资格。",
    "（三）抓好隐患闭环整改。对扫码自查和执法检查发现的隐患实行清单化管理，确保按期整改销号。",
]


def build(ctx):
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["city", "bureau"])
             .select_related("region")}
    period = Period.containing(ctx.today).previous()
    made = []
    for name, publish in (("city", True), ("bureau", False)):
        user = users.get(name)
        if user is None or user.region is None:
            continue
        snapshot = Snapshot.objects.filter(region=user.region, period=str(period),
                                           state=Snapshot.State.CURRENT).first()
        if snapshot is None:
            continue
        notice = services.notice_draft(snapshot=snapshot, by=user)
        if publish:
            notice = services.notice_update(notice=notice, by=user, next_steps=NEXT_STEPS)
            notice = services.notice_publish(notice=notice, by=user, today=ctx.today)
        made.append(f"{user.region.name}{'（' + notice.number + '）' if notice.number else '（草稿）'}")
    ctx.log(f"  notices of {period.label}: {'、'.join(made) or 'none (no snapshot)'}")


register("notices", build, order=ORDER, populated=lambda: Notice.objects.exists())
