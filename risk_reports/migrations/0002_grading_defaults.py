"""The grading methods' defaults (RULES.md §8), which the bureau may change.

LEC (作业条件危险性评价法, D = L × E × C), the values commonly used in China:
L (likelihood) 10 完全可以预料 · 6 相当可能 · 3 可能但不经常 · 1 可能性小，完全意外 · 0.5 很不可能，可以设想 ·
0.2 极不可能 · 0.1 实际不可能; E (exposure) 10 连续暴露 · 6 每天工作时间内暴露 · 3 每周一次或偶然暴露 ·
2 每月一次暴露 · 1 每年几次暴露 · 0.5 非常罕见地暴露; C (consequence) 100 10 人以上死亡 · 40 3～9 人死亡 ·
15 1～2 人死亡 · 7 严重伤残 · 3 有伤残 · 1 引人注目，需要救护. Bands: D > 320 red, 160–320 orange,
70–159 yellow, below 70 blue (D < 20 "acceptable" is kept blue by default).

LS (风险矩阵, R = L × S) with L and S from 1 to 5; public sources disagree on the cut-offs, so these
are a plausible default the bureau confirms: R ≥ 20 red, 15–19 orange, 9–14 yellow, 1–8 blue.
"""
from decimal import Decimal

from django.db import migrations

LEC = {
    "L": [(10, "完全可以预料"), (6, "相当可能"), (3, "可能，但不经常"), (1, "可能性小，完全意外"),
          (0.5, "很不可能，可以设想"), (0.2, "极不可能"), (0.1, "实际不可能")],
    "E": [(10, "连续暴露"), (6, "每天工作时间内暴露"), (3, "每周一次或偶然暴露"), (2, "每月一次暴露"),
          (1, "每年几次暴露"), (0.5, "非常罕见地暴露")],
    "C": [(100, "大灾难，10 人以上死亡"), (40, "灾难，3～9 人死亡"), (15, "非常严重，1～2 人死亡"),
          (7, "严重，重伤"), (3, "重大，致残"), (1, "引人注目，需要救护")],
}
LS = {
    "L": [(5, "极可能发生"), (4, "很可能发生"), (3, "可能发生"), (2, "较不可能发生"), (1, "基本不可能发生")],
    "S": [(5, "特别重大：多人死亡或重大财产损失"), (4, "重大：1 人死亡或多人重伤"), (3, "较大：重伤或多人轻伤"),
          (2, "一般：轻伤"), (1, "轻微：无伤亡或急救处理")],
}
BANDS = {
    "lec": [("red", 320, False), ("orange", 160, True), ("yellow", 70, True), ("blue", 0, True)],
    "ls": [("red", 20, True), ("orange", 15, True), ("yellow", 9, True), ("blue", 1, True)],
}


def load(apps, schema_editor):
    GradingScale = apps.get_model("risk_reports", "GradingScale")
    GradingBand = apps.get_model("risk_reports", "GradingBand")
    for method, factors in (("lec", LEC), ("ls", LS)):
        for factor, values in factors.items():
            for value, meaning in values:
                GradingScale.objects.get_or_create(method=method, factor=factor, value=Decimal(str(value)),
                                                   defaults={"meaning": meaning})
    for method, bands in BANDS.items():
        for level, lower, inclusive in bands:
            GradingBand.objects.get_or_create(method=method, level=level,
                                              defaults={"lower": Decimal(lower), "inclusive": inclusive})


def unload(apps, schema_editor):
    apps.get_model("risk_reports", "GradingScale").objects.all().delete()
    apps.get_model("risk_reports", "GradingBand").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("risk_reports", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
