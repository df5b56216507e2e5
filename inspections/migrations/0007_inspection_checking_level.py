"""The checking level of an inspection (seed 001 (二): verification checks by province, city and
district). Existing inspections take the level of the region their submitter is bound to; a
township or village user's (and any without a region) are the township's."""
from django.db import migrations, models


def backfill(apps, schema_editor):
    Inspection = apps.get_model("inspections", "Inspection")
    for level in ("city", "district"):
        Inspection.objects.filter(submitted_by__region__level=level).update(checking_level=level)


class Migration(migrations.Migration):

    dependencies = [
        ('inspections', '0006_hazard_ledger_order'),
    ]

    operations = [
        migrations.AddField(
            model_name='inspection',
            name='checking_level',
            field=models.CharField(choices=[('province', 'Province level'), ('city', 'City level'), ('district', 'District level'), ('township', 'Township level')], default='township', help_text="The level of the unit that did the check; by default the submitting user's.", max_length=16, verbose_name='checking level'),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
