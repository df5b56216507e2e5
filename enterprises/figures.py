"""Roster figures per child region: one grouped query each, whatever the number of regions."""
from django.db.models import Count, Q

from grid.models import Region, child_path_expr

from .models import Enterprise, KeyDomain, Status


def _path_field(region):
    """Enterprises reach districts and townships through their township, villages through their village."""
    return "village__path" if region.level == Region.Level.TOWNSHIP else "township__path"


def child_regions(region):
    """The children of ``region`` in the bureau's order, keyed by path."""
    return {r.path: r for r in region.children.order_by("order", "code")}


def roster_counts(region, queryset=None):
    """Per child region: enterprises on the roster (not deregistered), producing, suspended,
    key-sector, above-scale, with chemical storage, factory-in-factory tenants. One query."""
    qs = (queryset if queryset is not None else Enterprise.objects.all()).filter(
        township__path__startswith=region.path)
    live = ~Q(status=Status.DEREGISTERED)
    rows = (qs.annotate(child=child_path_expr(region, _path_field(region))).values("child").annotate(
        total=Count("pk", filter=live),
        producing=Count("pk", filter=Q(status=Status.PRODUCING)),
        suspended=Count("pk", filter=Q(status=Status.SUSPENDED)),
        deregistered=Count("pk", filter=Q(status=Status.DEREGISTERED)),
        key_sector=Count("pk", filter=live & Q(is_key_sector=True)),
        above_scale=Count("pk", filter=live & Q(above_scale=True)),
        dust_10=Count("pk", filter=live & Q(dust_workers_per_shift__gte=10)),
        tenants=Count("pk", filter=live & Q(host__isnull=False)),
        safety_section=Count("pk", filter=live & Q(safety_section_established=True)),
    ).order_by())
    return {row.pop("child"): row for row in rows}


def key_domain_counts(region, queryset=None):
    """Per child region and key domain: enterprises on the roster (not deregistered). One query."""
    qs = (queryset if queryset is not None else Enterprise.objects.all()).filter(
        township__path__startswith=region.path).exclude(status=Status.DEREGISTERED)
    rows = (qs.filter(key_domains__isnull=False)
            .annotate(child=child_path_expr(region, _path_field(region)))
            .values("child", "key_domains").annotate(n=Count("pk", distinct=True)).order_by())
    out = {}
    for row in rows:
        out.setdefault(row["child"], {})[row["key_domains"]] = row["n"]
    return out


def overview(region, queryset=None):
    """Rows for the overview table: each child region with its counts, plus a total row."""
    children = child_regions(region)
    counts = roster_counts(region, queryset)
    domains = list(KeyDomain.objects.order_by("order", "code"))
    by_domain = key_domain_counts(region, queryset)
    empty = dict.fromkeys(["total", "producing", "suspended", "deregistered", "key_sector", "above_scale",
                           "dust_10", "tenants", "safety_section"], 0)
    rows = []
    if None in counts:  # enterprises of a township not yet placed in a village
        children = {**children, None: None}
    for path, child in children.items():
        row = {"region": child, **empty, **counts.get(path, {})}
        row["domains"] = [by_domain.get(path, {}).get(d.pk, 0) for d in domains]
        rows.append(row)
    totals = {key: sum(r[key] for r in rows) for key in empty}
    totals["domains"] = [sum(r["domains"][i] for r in rows) for i in range(len(domains))]
    return {"region": region, "rows": rows, "totals": totals, "domains": domains}
