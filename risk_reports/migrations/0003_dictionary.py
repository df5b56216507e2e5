"""The risk control dictionary as shipped (``risk_reports.dictionary_catalogue``): at least 80
categories of common risk points of industry-and-trade enterprises (seed 001 (三): the city's
dictionary has 80). The bureau edits the rows afterwards; this only adds the ones missing."""
from django.db import migrations


def load(apps, schema_editor):
    from risk_reports.dictionary_catalogue import CATEGORIES

    RiskCategory = apps.get_model("risk_reports", "RiskCategory")
    KeyDomain = apps.get_model("enterprises", "KeyDomain")
    domains = dict(KeyDomain.objects.values_list("code", "pk"))
    for order, c in enumerate(CATEGORIES, start=1):
        RiskCategory.objects.get_or_create(code=c["code"], defaults={
            "name": c["name"], "domain_id": domains.get(c["domain"]) if c["domain"] else None,
            "typical_level": c["typical_class"], "factors": c["factors"], "accident_types": c["accident_types"],
            "measures": c["measures"], "cycle": c["cycle"], "check_items": c["check_items"], "order": order * 10})


def unload(apps, schema_editor):
    apps.get_model("risk_reports", "RiskCategory").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("risk_reports", "0002_grading_defaults"), ("enterprises", "0002_catalogue")]
    operations = [migrations.RunPython(load, unload)]
