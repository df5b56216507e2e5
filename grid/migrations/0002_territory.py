from django.db import migrations

PATH_STEP = 7


def _add(Region, *, name, level, code, parent=None, local=False, order=0):
    region = Region.objects.create(name=name, level=level, code=code, code_is_local=local, order=order,
                                   parent=parent)
    region.path = (parent.path if parent else "") + str(region.pk).zfill(PATH_STEP)
    region.save(update_fields=["path"])
    return region


def load(apps, schema_editor):
    from grid.territory import CITY, DISTRICTS, WUJIN_TOWNSHIPS, township_code

    Region = apps.get_model("grid", "Region")
    if Region.objects.filter(code=CITY[1]).exists():
        return
    city = _add(Region, name=CITY[0], level="city", code=CITY[1])
    for order, (name, code, local) in enumerate(DISTRICTS, start=1):
        district = _add(Region, name=name, level="district", code=code, local=local, parent=city, order=order)
        if name == "武进区":
            for t_order, township in enumerate(WUJIN_TOWNSHIPS, start=1):
                _add(Region, name=township, level="township", code=township_code(code, t_order), local=True,
                     parent=district, order=t_order)


class Migration(migrations.Migration):
    dependencies = [("grid", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
