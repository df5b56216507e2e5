"""The overdue-rate threshold is about the Changan code, written 常安码 (seed 000 item 2, seed 001);
0002 shipped it as 长安码. Versions copy the label of the default (``threshold_create``), so every
version carrying the old label is corrected, not only the shipped row."""
from django.db import migrations

NAME = "risk.overdue_rate_max"
OLD, NEW = "长安码逾期率上限", "常安码逾期率上限"


def correct(apps, schema_editor):
    apps.get_model("rules", "Threshold").objects.filter(name=NAME, label=OLD).update(label=NEW)


def uncorrect(apps, schema_editor):
    """Nothing to undo: the old label was a typo."""


class Migration(migrations.Migration):
    dependencies = [("rules", "0002_default_thresholds")]
    operations = [migrations.RunPython(correct, uncorrect)]
