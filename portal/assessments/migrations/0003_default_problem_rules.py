"""The four rules of seed 001 problem (二) (双重机制建设方面; RULES.md §6, §7), deployment-wide, in the
seed's order and close to its wording:

    一是风险辨识能力不足，钟楼区平均每家企业辨识四类风险 9.23 条，居全市末位。二是“常安码”使用频次不足，
    武进区、金坛区、天宁区风险逾期超过 30%。三是“常安码”自查流于形式，金坛区平均每家企业扫码自查发现隐患
    仅有 0.59 条、新北区仅有 0.66 条。四是主要负责人参与扫力度不够，溧阳市企业主要负责人参与率低于 60%。

The seed names one unit for the first and two for the third; the 30 % and 60 % are the thresholds
``risk.overdue_rate_max`` and ``risk.principal_participation_min`` (portal.rules 0002)."""
from django.db import migrations

RULES = [
    # (order, title, figure, comparison, n, threshold, sentence)
    (10, "企业平均辨识风险数最低", "risk.points_per_enterprise", "lowest", 1, "",
     "风险辨识能力不足，{units}企业平均辨识风险数最低，为{values}。"),
    (20, "常安码风险逾期率超过上限", "risk.overdue_rate", "above", None, "risk.overdue_rate_max",
     "“常安码”使用频次不足，{units}风险逾期率超过{threshold}%。"),
    (30, "企业平均扫码自查发现隐患数最低", "risk.scan_hazards_per_enterprise", "lowest", 2, "",
     "“常安码”自查流于形式，平均每家企业扫码自查发现隐患最少的是{each}。"),
    (40, "主要负责人扫码参与率低于下限", "risk.principal_participation", "below", None,
     "risk.principal_participation_min",
     "主要负责人参与扫码力度不够，{units}企业主要负责人参与率低于{threshold}%。"),
]


def ship(apps, schema_editor):
    ProblemRule = apps.get_model("assessments", "ProblemRule")
    for order, title, figure, comparison, n, threshold, sentence in RULES:
        ProblemRule.objects.get_or_create(region=None, figure=figure, comparison=comparison, defaults={
            "title": title, "n": n, "threshold": threshold, "sentence": sentence, "order": order})


def unship(apps, schema_editor):
    ProblemRule = apps.get_model("assessments", "ProblemRule")
    for _order, _title, figure, comparison, *_rest in RULES:
        ProblemRule.objects.filter(region=None, figure=figure, comparison=comparison).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0002_problem_rule"), ("rules", "0002_default_thresholds")]
    operations = [migrations.RunPython(ship, unship)]
