"""Demo key tasks (issue 12, Demo): the shipped 2022 list of the demo bureau's district copied
forward to this year in one step, plus four tasks placed around today so that the board shows
every state whatever the day — overdue (deadline 10 days ago, nothing accepted), due (in 5 days),
not met (in 60 days), met (evidence accepted) — and evidence returned and waiting, a unit over its
creation target and its bonus points. Runs before the quarter's snapshots (order 75 < 80), so
they hold the key-task figures."""
import datetime

from django.core.files.base import ContentFile

from grid.models import Region
from portal.demo import register

from . import services_key_tasks as services
from .models import KeyTask, KeyTaskList

ORDER = 75
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def _pdf(name):
    return ContentFile(PDF, name=name)


def _district(ctx):
    bureau = ctx.users.get("bureau")
    if bureau is not None and bureau.region is not None and bureau.region.level == Region.Level.DISTRICT:
        return bureau.region, bureau
    return Region.objects.filter(level=Region.Level.DISTRICT, children__isnull=False).order_by("order").first(), None


def build(ctx):
    district, bureau = _district(ctx)
    if district is None:
        return
    today = ctx.today
    year = today.year
    task_list = services.task_list_for(district, year)
    if task_list is None:
        source = KeyTaskList.objects.filter(region=district, year__lt=year).order_by("-year").first()
        if source is not None:
            task_list = services.task_list_copy_forward(by=None, task_list=source, year=year)
        else:
            task_list = services.task_list_create(by=None, region=district, year=year,
                                                  title=f"{year}年{district.name}重点工作任务")
    units = list(district.children.order_by("order", "code"))
    if len(units) < 3:
        return
    day = datetime.timedelta(days=1)
    demo = [("D1", "示范：上报季度工作总结（已逾期）", today - 10 * day),
            ("D2", "示范：上报专项整治进展（临期）", today + 5 * day),
            ("D3", "示范：完成年度培训计划（未到期）", today + 60 * day),
            ("D4", "示范：达标企业创建完成情况", today + 30 * day)]
    tasks = {}
    for order, (number, title, deadline) in enumerate(demo, start=900):
        tasks[number] = KeyTask.objects.filter(task_list=task_list, number=number).first() or services.task_create(
            by=None, task_list=task_list, number=number, title=title, deadline=deadline, kind=KeyTask.Kind.EVIDENCE,
            order=order, note="演示数据",
            targets={u.pk: 3 for u in units} if number == "D4" else None)
    first, second, third = units[:3]
    submitted = today - 15 * day
    # D1 overdue for most; the first unit's evidence was accepted in time (met)
    done = services.evidence_submit(by=None, task=tasks["D1"], unit=first, files=[_pdf("季度总结.pdf")],
                                    note="已按时上报", today=submitted)
    services.evidence_accept(by=bureau, evidence=done, today=submitted + 2 * day)
    # D2: one returned, one waiting for the bureau
    returned = services.evidence_submit(by=None, task=tasks["D2"], unit=first, files=[_pdf("进展.pdf")],
                                        today=today - 3 * day)
    services.evidence_return(by=bureau, evidence=returned, reason="缺少企业清单，请补充后重新上传", today=today - 2 * day)
    services.evidence_submit(by=None, task=tasks["D2"], unit=second, files=[_pdf("进展.pdf")], today=today - day)
    # D4: the third unit created 5 against its 3 (accepted: met and over target), with bonus points
    over = services.evidence_submit(by=None, task=tasks["D4"], unit=third, files=[_pdf("达标企业名单.pdf")],
                                    reported_value=5, note="创建达标企业5家", today=today - 4 * day)
    services.evidence_accept(by=bureau, evidence=over, today=today - 3 * day)
    services.bonus_record(by=bureau, task_list=task_list, unit=third, task=tasks["D4"], points=2,
                          reason="达标企业创建5家，超额完成目标3家（考核细则第12项酌情加分）")
    result = services.board(task_list, today)
    counts = {s: sum(1 for c in result.cells.values() if c.status == s) for s in services.STATUSES}
    ctx.log(f"  key tasks {year} of {district.name}: {len(result.tasks)} tasks, "
            + ", ".join(f"{s} {n}" for s, n in counts.items()))


register("key_tasks", build, order=ORDER,
         populated=lambda: KeyTask.objects.filter(number="D1", note="演示数据").exists())
