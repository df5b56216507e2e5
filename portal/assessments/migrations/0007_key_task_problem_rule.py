"""A problem the notice names from the key tasks (issue 12 item 4): the units with a key task
overdue on the period's last day — ``assessments.key_tasks_overdue`` above the threshold
``assessments.key_tasks_overdue_max`` (0, shipped by 0004), deployment-wide."""
from django.db import migrations

RULE = {"title": "重点工作任务逾期未完成", "figure": "assessments.key_tasks_overdue", "comparison": "above",
        "threshold": "assessments.key_tasks_overdue_max",
        "sentence": "重点工作任务推进不力，{units}有逾期未完成的重点工作任务（分别为{values}）。", "order": 100}


def ship(apps, schema_editor):
    ProblemRule = apps.get_model("assessments", "ProblemRule")
    ProblemRule.objects.get_or_create(region=None, figure=RULE["figure"], comparison=RULE["comparison"], defaults={
        "title": RULE["title"], "n": None, "threshold": RULE["threshold"], "sentence": RULE["sentence"],
        "order": RULE["order"]})


def unship(apps, schema_editor):
    apps.get_model("assessments", "ProblemRule").objects.filter(
        region=None, figure=RULE["figure"], comparison=RULE["comparison"]).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0006_key_tasks")]
    operations = [migrations.RunPython(ship, unship)]
