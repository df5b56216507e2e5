from django.db import migrations
from django.utils import timezone


def load(apps, schema_editor):
    """The four shipped checklists (checklist_catalogue.py), version 1, published, deployment-wide."""
    from inspections.checklist_catalogue import TEMPLATES

    ChecklistTemplate = apps.get_model("inspections", "ChecklistTemplate")
    ChecklistItem = apps.get_model("inspections", "ChecklistItem")
    now = timezone.now()
    for data in TEMPLATES:
        template, created = ChecklistTemplate.objects.get_or_create(
            code=data["code"], region=None, version=1,
            defaults={"name": data["name"], "kind": "inspection", "description": data["description"],
                      "status": "published", "published_at": now})
        if not created:
            continue
        ChecklistItem.objects.bulk_create([
            ChecklistItem(template=template, code=code, section=section, text=text, basis=basis,
                          major_criterion=major, order=order * 10)
            for order, (code, section, text, basis, major) in enumerate(data["items"], start=1)
        ])


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
