"""The roster sets the seeds name (RULES.md §4 item 3, seed 000; seed 003 附件2 item 9), as data the
bureau edits on the roster-sets page: the 30 and the 10 are the sets' filters, not code."""
from django.db import migrations

SETS = [
    # (code, name, filters, description)
    # RULES.md §3 item 9 [003]: the district checks 100 % of the key-sector enterprises
    ("key_sector", "重点行业领域企业", {"is_key_sector": "true"}, "区级执法检查重点行业领域企业全覆盖"),
    # RULES.md §4 item 3 [000]: 100 % enforcement coverage by end Aug of the dust enterprises with ≥ 30 and ≥ 10
    ("dust_30", "涉爆粉尘单班作业30人以上企业", {"key_domain": "dust", "min_dust_workers": "30"},
     "8月底前执法检查全覆盖"),
    ("dust_10", "涉爆粉尘单班作业10人以上企业", {"key_domain": "dust", "min_dust_workers": "10"},
     "8月底前执法检查全覆盖"),
]


def load(apps, schema_editor):
    RosterSet = apps.get_model("enterprises", "RosterSet")
    KeyDomain = apps.get_model("enterprises", "KeyDomain")
    domains = dict(KeyDomain.objects.values_list("code", "pk"))
    for order, (code, name, filters, description) in enumerate(SETS):
        if "key_domain" in filters:  # the roster filter names a key domain by its id
            if filters["key_domain"] not in domains:
                continue
            filters = {**filters, "key_domain": str(domains[filters["key_domain"]])}
        RosterSet.objects.get_or_create(code=code, defaults={"name": name, "filters": filters,
                                                             "description": description, "order": order})


def unload(apps, schema_editor):
    apps.get_model("enterprises", "RosterSet").objects.filter(code__in=[code for code, *_rest in SETS]).delete()


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0004_roster_sets_key_domain_changes")]
    operations = [migrations.RunPython(load, unload)]
