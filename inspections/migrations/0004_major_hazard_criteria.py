from django.db import migrations


def load(apps, schema_editor):
    """The shipped major-hazard criteria (major_criteria.py); existing codes are left as the bureau edited them."""
    from inspections.major_criteria import BASIS, CRITERIA

    Criterion = apps.get_model("inspections", "MajorHazardCriterion")
    KeyDomain = apps.get_model("enterprises", "KeyDomain")
    domains = {d.code: d for d in KeyDomain.objects.all()}
    for order, (code, domain, text) in enumerate(CRITERIA, start=1):
        Criterion.objects.get_or_create(code=code, defaults={
            "text": text, "basis": BASIS, "key_domain": domains.get(domain), "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("inspections", "0003_plans_inspections_hazards"), ("enterprises", "0002_catalogue")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
