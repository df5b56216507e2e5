"""The inspections app's settings as thresholds (rules are data; the bureau may override them)."""
import datetime

from django.db import migrations

EFFECTIVE = datetime.date(2022, 1, 1)

DEFAULTS = [
    ("inspections.deadline_warning_days", "隐患整改期限临近提醒（天）", "days", "7",
     "Portal default: open hazards whose deadline falls within this many days appear in the to-do lists"),
    ("inspections.dust_key_workers_min", "重点涉粉企业单班作业人数下限", "people", "10",
     "RULES.md §4 item 3: 100 % enforcement coverage by end Aug of the dust enterprises with ≥ 10 dust workers "
     "per shift [000]"),
]


def load(apps, schema_editor):
    Threshold = apps.get_model("rules", "Threshold")
    for name, label, unit, value, source in DEFAULTS:
        Threshold.objects.get_or_create(name=name, region=None, effective_from=EFFECTIVE,
                                        defaults={"label": label, "unit": unit, "value": value, "source": source})


class Migration(migrations.Migration):
    dependencies = [("inspections", "0004_major_hazard_criteria"), ("rules", "0002_default_thresholds")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
