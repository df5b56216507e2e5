"""The standardization eligibility threshold (RULES.md §8, "two thresholds, not one"): seed 001 says
enterprises with a high overdue rate lose eligibility for standardization rating, without a number;
the default is 30 %, the bureau sets its own. Separate from ``risk.overdue_rate_max``, the unit
threshold the notice names problems by."""
import datetime
from decimal import Decimal

from django.db import migrations

EFFECTIVE = datetime.date(2022, 1, 1)
NAME = "risk.enterprise_overdue_rate_max"
DEFAULTS = {
    "label": "企业参评标准化的常安码逾期率上限", "unit": "%", "value": Decimal("30"),
    "source": "RULES.md §8: enterprises with a high overdue rate lose eligibility for standardization rating "
              "(对风险逾期率较高的企业一律取消参评资格) [001 (三)]; default 30 %, the bureau sets it",
}


def ship(apps, schema_editor):
    Threshold = apps.get_model("rules", "Threshold")
    Threshold.objects.get_or_create(name=NAME, region=None, effective_from=EFFECTIVE, defaults=DEFAULTS)


def unship(apps, schema_editor):
    apps.get_model("rules", "Threshold").objects.filter(name=NAME, region=None, effective_from=EFFECTIVE).delete()


class Migration(migrations.Migration):
    dependencies = [("risk_reports", "0005_point_hazard_foreign_key"), ("rules", "0004_plan_completion_source")]
    operations = [migrations.RunPython(ship, unship)]
