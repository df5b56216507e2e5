"""Self-check lists a campaign sends to its enterprises (issue 11 item 4, seed 001 (二)一), their
answers, and the rectification deadline of a hazard raised by a failed item, as a threshold: no seed
gives one, so the portal ships 30 days and the bureau sets its own."""
import datetime
from decimal import Decimal

import django.db.models.deletion

from django.conf import settings
from django.db import migrations, models

EFFECTIVE = datetime.date(2022, 1, 1)
NAME = "inspections.self_check_hazard_deadline_days"
DEFAULTS = {
    "label": "企业自查清单发现隐患的整改期限", "unit": "days", "value": Decimal("30"),
    "source": "No seed gives one: a failed item of a campaign's self-check list is a general hazard the "
              "enterprise rectifies itself; default 30 days, the bureau sets it",
}


def ship(apps, schema_editor):
    Threshold = apps.get_model("rules", "Threshold")
    Threshold.objects.get_or_create(name=NAME, region=None, effective_from=EFFECTIVE, defaults=DEFAULTS)


def unship(apps, schema_editor):
    apps.get_model("rules", "Threshold").objects.filter(name=NAME, region=None, effective_from=EFFECTIVE).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('enterprises', '0005_default_roster_sets'),
        ('grid', '0002_territory'),
        ('inspections', '0007_inspection_checking_level'),
        ('rules', '0004_plan_completion_source'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='SelfCheckList',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('state', models.CharField(choices=[('sent', 'Waiting for the self-check'), ('done', 'Self-check done')], default='sent', max_length=8, verbose_name='state')),
                ('due_date', models.DateField(verbose_name='due date')),
                ('sent_at', models.DateTimeField(verbose_name='sent at')),
                ('done_at', models.DateTimeField(blank=True, null=True, verbose_name='done at')),
                ('campaign', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='self_check_lists', to='inspections.campaign', verbose_name='campaign')),
                ('checklist', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='self_check_lists', to='inspections.checklisttemplate', verbose_name='checklist')),
                ('done_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='done by')),
                ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='self_check_lists', to='enterprises.enterprise', verbose_name='enterprise')),
                ('sent_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='sent by')),
                ('township', models.ForeignKey(help_text="The enterprise's township when the list was sent.", on_delete=django.db.models.deletion.PROTECT, related_name='+', to='grid.region', verbose_name='township')),
            ],
            options={
                'verbose_name': 'self-check list',
                'verbose_name_plural': 'self-check lists',
                'ordering': ['-sent_at', 'township__path', 'enterprise__name', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='SelfCheckAnswer',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('item_code', models.CharField(max_length=20, verbose_name='item code')),
                ('result', models.CharField(choices=[('pass', 'Compliant'), ('fail', 'Non-compliant'), ('na', 'Not applicable')], max_length=8, verbose_name='result')),
                ('note', models.TextField(blank=True, verbose_name='note')),
                ('hazard', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='self_check_answer', to='inspections.hazard', verbose_name='hazard')),
                ('item', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='inspections.checklistitem', verbose_name='check item')),
                ('self_check', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='answers', to='inspections.selfchecklist', verbose_name='self-check list')),
            ],
            options={
                'verbose_name': 'self-check answer',
                'verbose_name_plural': 'self-check answers',
                'ordering': ['self_check', 'item__order', 'item_code'],
            },
        ),
        migrations.AddIndex(
            model_name='selfchecklist',
            index=models.Index(fields=['township', 'sent_at'], name='self_check_township_sent'),
        ),
        migrations.AddIndex(
            model_name='selfchecklist',
            index=models.Index(fields=['enterprise', 'state'], name='self_check_enterprise_state'),
        ),
        migrations.AddConstraint(
            model_name='selfchecklist',
            constraint=models.UniqueConstraint(fields=('campaign', 'enterprise'), name='self_check_one_per_enterprise'),
        ),
        migrations.AddConstraint(
            model_name='selfchecklist',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('done_at__isnull', False), ('state', 'done')), models.Q(('done_at__isnull', True), ('state', 'sent')), _connector='OR'), name='self_check_done_has_time'),
        ),
        migrations.AddConstraint(
            model_name='selfcheckanswer',
            constraint=models.UniqueConstraint(fields=('self_check', 'item'), name='self_check_answer_one_per_item'),
        ),
        migrations.RunPython(ship, unship),
    ]
