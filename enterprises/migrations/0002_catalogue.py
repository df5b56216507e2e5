from django.db import migrations


def load(apps, schema_editor):
    from enterprises.catalogue import INDUSTRIES, KEY_DOMAINS

    Industry = apps.get_model("enterprises", "Industry")
    KeyDomain = apps.get_model("enterprises", "KeyDomain")
    for order, (code, name, subs) in enumerate(INDUSTRIES, start=1):
        top, _ = Industry.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})
        for sub_order, (sub_code, sub_name) in enumerate(subs, start=1):
            Industry.objects.get_or_create(code=sub_code, defaults={"name": sub_name, "parent": top,
                                                                    "order": order * 10 + sub_order})
    for order, (code, name) in enumerate(KEY_DOMAINS, start=1):
        KeyDomain.objects.get_or_create(code=code, defaults={"name": name, "order": order})


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
