"""The 100 % plan-completion target comes from seed 002 item 5 ("执法计划实施过程实行网上跟踪，确保完成率
达到100%"); 0002 credited it to seed 000's dust-coverage task, another 100 % target. The shipped
default's source is corrected; a bureau's own versions keep the source the bureau wrote."""
from django.db import migrations

NAME = "plan_completion_target"
OLD = "RULES.md §4 item 3: 100 % enforcement coverage of key dust enterprises [000]"
NEW = "RULES.md §8: enforcement plans are completed at 100 % (执法计划 … 确保完成率达到100%) [002 item 5]"


def correct(apps, schema_editor):
    apps.get_model("rules", "Threshold").objects.filter(name=NAME, source=OLD).update(source=NEW)


def uncorrect(apps, schema_editor):
    """Nothing to undo: the old source was wrong."""


class Migration(migrations.Migration):
    dependencies = [("rules", "0003_changan_code_label")]
    operations = [migrations.RunPython(correct, uncorrect)]
