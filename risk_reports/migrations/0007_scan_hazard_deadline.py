"""The rectification deadline of a hazard raised by a failed scan item: no seed gives one, so the
portal ships 7 days and the bureau sets its own (a threshold, not a literal in the submit)."""
import datetime
from decimal import Decimal

from django.db import migrations

EFFECTIVE = datetime.date(2022, 1, 1)
NAME = "risk.scan_hazard_deadline_days"
DEFAULTS = {
    "label": "扫码自查发现隐患的整改期限", "unit": "days", "value": Decimal("7"),
    "source": "No seed gives one: a hazard found by an employee's scan self-check is a general hazard the "
              "enterprise rectifies itself; default 7 days, the bureau sets it",
}


def ship(apps, schema_editor):
    Threshold = apps.get_model("rules", "Threshold")
    Threshold.objects.get_or_create(name=NAME, region=None, effective_from=EFFECTIVE, defaults=DEFAULTS)


def unship(apps, schema_editor):
    apps.get_model("rules", "Threshold").objects.filter(name=NAME, region=None, effective_from=EFFECTIVE).delete()


class Migration(migrations.Migration):
    dependencies = [("risk_reports", "0006_thresholds_figs"), ("rules", "0004_plan_completion_source")]
    operations = [migrations.RunPython(ship, unship)]
