"""The deployment defaults, read out of RULES.md (each row says where from). Effective 2022-01-01,
the year the seed documents set up."""
import datetime
from decimal import Decimal

from django.db import migrations

EFFECTIVE = datetime.date(2022, 1, 1)

# (name, label, unit, value, source)
DEFAULTS = [
    ("plan_completion_target", "执法检查计划完成率目标", "%", "100",
     "RULES.md §8: enforcement plans are completed at 100 % (执法计划 … 确保完成率达到100%) [002 item 5]"),
    ("risk.overdue_rate_max", "常安码逾期率上限", "%", "30",
     "RULES.md §6: an overdue rate over 30 % is named as a problem in the notice [001]"),
    ("risk.principal_participation_min", "主要负责人扫码参与率下限", "%", "60",
     "RULES.md §6: principal participation below 60 % is a problem [001]"),
    ("assessments.enterprise_score_restart_below", "企业考核推倒重来分数线", "points", "60",
     "RULES.md §2: an enterprise scoring below 60 starts its rectification over [003]"),
    ("standardization.compliant_min", "达标企业分数线", "points", "60",
     "RULES.md §5: compliant enterprise (达标) score ≥ 60 [004]"),
    ("standardization.benchmark_min", "标杆企业分数线", "points", "75",
     "RULES.md §5: benchmark enterprise (标杆) score ≥ 75 [004]"),
    ("standardization.grade1_new_min", "新申请一级标准化分数线", "points", "90",
     "RULES.md §5: ≥ 90 to newly apply for grade 1 [004]"),
    ("standardization.grade2_new_min", "新申请二级标准化分数线", "points", "75",
     "RULES.md §5: ≥ 75 to newly apply for grade 2 [004]"),
    ("dust.cleaning_upload_target", "粉尘清扫照片每日上传率目标", "%", "100",
     "RULES.md §6: dust enterprises upload each key site's cleaning photo every day (100 %) [001]"),
    ("dust.remind_day", "粉尘清扫漏传提醒企业（天）", "days", "1",
     "RULES.md §6: day 1 of missing uploads, remind the enterprise [001]"),
    ("dust.urge_day", "粉尘清扫漏传督促（镇介入，天）", "days", "3",
     "RULES.md §6: day 3, urge (the township steps in) [001]"),
    ("dust.verify_day", "粉尘清扫漏传现场核查（天）", "days", "7",
     "RULES.md §6: day 7, verify on site [001]"),
    ("risk.model_enterprises_per_township_min", "每个板块风险申报示范企业数下限", "enterprises", "2",
     "RULES.md §4 item 2: ≥ 2 model risk-reporting enterprises per township by end May [000]"),
    ("agencies.project_sample_min", "中介机构风险申报服务项目抽查比例下限", "%", "20",
     "RULES.md §4 item 2: sample ≥ 20 % of the risk-report service projects done by agencies [000]"),
    ("training.exam_patrol_min", "主要负责人和安全管理人员考试巡考比例下限", "%", "50",
     "RULES.md §4 item 4: patrol ≥ 50 % of the principal/safety-manager exams [000]"),
]


def ship(apps, schema_editor):
    Threshold = apps.get_model("rules", "Threshold")
    for name, label, unit, value, source in DEFAULTS:
        Threshold.objects.get_or_create(name=name, region=None, effective_from=EFFECTIVE, defaults={
            "label": label, "unit": unit, "value": Decimal(value), "source": source})


def unship(apps, schema_editor):
    Threshold = apps.get_model("rules", "Threshold")
    Threshold.objects.filter(name__in=[d[0] for d in DEFAULTS], region=None, effective_from=EFFECTIVE).delete()


class Migration(migrations.Migration):
    dependencies = [("rules", "0001_initial")]
    operations = [migrations.RunPython(ship, unship)]
