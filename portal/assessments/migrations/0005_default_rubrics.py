"""The two assessment forms of seed 003 (RULES.md §2 and §3), version 1, and the pass mark below
which an enterprise starts its rectification over (60 points, a ``portal.rules`` threshold).

The unit form's rows in the seed add up to 85: row 8 is shipped as a 15-point item the bureau must
fill in, so the form shows as incomplete (and scores nothing) until the bureau writes it — which
makes version 2."""
import datetime
from decimal import Decimal

from django.db import migrations

SOURCE = "RULES.md §2 / §3; seed 003 附件1 / 附件2"
ENTERPRISE = [
    # number, title, requirement, points, due (month, day) — day None: end of the month
    (1, "制定专项整治方案", "主要负责人组织传达专项整治会议、文件精神，组织研究制定本单位专项整治实施方案；"
        "方案目标明确，措施具体有效；方案经当地监管部门审核把关。证据：专项整治方案及审核意见。", 10, (2, None)),
    (2, "生产经营建设行为合法合规", "依法取得安全生产相关证照；生产经营活动符合证照核准、许可的范围；严格执行“三同时”规定。"
        "证据：证照、“三同时”资料。", 5, (2, None)),
    (3, "落实全员安全生产责任制", "按规定设置安全生产管理机构、配备安全管理人员；建立覆盖全员的安全生产责任制度和责任清单；"
        "建立考核激励机制。证据：机构文件、责任制、责任清单。", 10, (2, None)),
    (4, "建立安全管理制度和操作规程", "建立健全各项安全生产制度（20项左右）；编制齐全适用的岗位安全操作规程。"
        "证据：制度汇编、操作规程。", 5, (3, None)),
    (5, "设备设施安全管理", "建立设备设施管理台账，定期检查维护并记录；高风险设备专项管理；检修维修“五定”。"
        "证据：台账、检查维护记录。", 5, (4, None)),
    (6, "作业安全管理", "作业现场秩序；动火、受限空间、高处等危险作业许可。证据：作业许可票证、现场照片。", 5, None),
    (7, "风险辨识管控", "开展风险辨识、评估、分级、管控，落实“一图两单四清单”。证据：风险清单、风险四色图。", 15, (4, None)),
    (8, "隐患排查治理", "建立隐患排查治理制度，排查、登记、整改、验收闭环。证据：隐患台账、整改记录。", 15, (4, None)),
    (9, "重大危险源监控和备案", "重大危险源辨识、监控、备案。证据：备案材料、监控记录。", 5, (5, None)),
    (10, "应急管理", "应急预案备案、应急队伍、演练、物资。证据：预案备案回执、演练记录。", 5, (5, None)),
    (11, "安全培训", "三类人员4月底前培训到位；三级安全教育；新工艺培训。证据：培训记录、证书。", 5, (4, None)),
    (12, "长效机制建设", "标准化和双重预防机制实际运行。证据：标准化证书、双重预防运行记录。", 15, (10, None)),
]
UNIT = [
    (1, "县区和乡镇（街道）专项整治方案", "方案针对性强、不漏项。证据：方案文件。", 8, (1, None), False),
    (2, "宣传发动与信息报送", "宣传到位；每周、每月进展情况按时报送。证据：宣传材料、报送记录。", 10, None, False),
    (3, "县区组织发动乡镇（街道）", "召开动员会、培训会、推进会。证据：会议通知、签到、照片。", 10, (1, None), False),
    (4, "乡镇（街道）组织发动企业", "乡镇组织企业动员、培训。证据：会议记录、照片。", 7, (2, None), False),
    (5, "乡镇审核企业方案，县区抽查审核情况", "乡镇逐家审核企业专项整治方案；县区抽查乡镇审核情况。证据：审核意见、抽查记录。",
     10, (2, None), False),
    (6, "企业向乡镇报告风险，较大以上风险报县区", "企业风险报告到位。证据：风险报告台账。", 10, (4, None), False),
    (7, "企业建立“一图两单四清单”", "企业风险管控资料齐全。证据：抽查企业资料。", 15, (4, None), False),
    (8, "", "种子文件缺少第8项（其余各项合计85分）：由局填写本项内容后，评估表方可使用。", 15, None, True),
    (9, "专项检查", "乡镇对辖区企业检查100%；县区对重点行业检查100%。证据：检查记录。", 10, None, False),
    (10, "方法和机制创新", "工作方法、机制创新。证据：经验材料。", 5, None, False),
]
THRESHOLD = {
    "name": "assessments.enterprise_pass_mark", "effective_from": datetime.date(2020, 1, 1),
    "label": "企业专项整治评估及格分（低于此分推倒重新开展）", "unit": "分", "value": Decimal("60"),
    "source": "RULES.md §2: an enterprise scoring below 60 starts its rectification over [003 二(一)]",
}


def ship(apps, schema_editor):
    Form = apps.get_model("assessments", "RubricForm")
    Item = apps.get_model("assessments", "RubricItem")
    Threshold = apps.get_model("rules", "Threshold")
    if not Form.objects.filter(kind="enterprise").exists():
        form = Form.objects.create(kind="enterprise", version=1, title="安全生产专项整治情况评估表（企业）", source=SOURCE)
        Item.objects.bulk_create([
            Item(form=form, number=n, title=title, requirement=req, points=Decimal(points),
                 due_month=due[0] if due else None, due_day=due[1] if due else None)
            for n, title, req, points, due in ENTERPRISE])
    if not Form.objects.filter(kind="unit").exists():
        form = Form.objects.create(kind="unit", version=1, title="安全生产专项整治情况评估表（县区、板块、乡镇）",
                                   source=SOURCE)
        Item.objects.bulk_create([
            Item(form=form, number=n, title=title, requirement=req, points=Decimal(points),
                 due_month=due[0] if due else None, due_day=due[1] if due else None, unfilled=unfilled)
            for n, title, req, points, due, unfilled in UNIT])
    fields = {k: v for k, v in THRESHOLD.items() if k not in ("name", "effective_from")}
    Threshold.objects.get_or_create(name=THRESHOLD["name"], region=None, effective_from=THRESHOLD["effective_from"],
                                    defaults=fields)


def unship(apps, schema_editor):
    Form = apps.get_model("assessments", "RubricForm")
    Form.objects.filter(version=1, source=SOURCE, scores__isnull=True).delete()
    apps.get_model("rules", "Threshold").objects.filter(name=THRESHOLD["name"], region=None).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0004_rubrics"), ("rules", "0004_plan_completion_source")]
    operations = [migrations.RunPython(ship, unship)]
