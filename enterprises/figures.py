"""Roster figures per child region: one grouped query each, whatever the number of regions."""
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from grid.models import Region, child_path_expr
from portal.figures import registry
from portal.figures.queries import grouped_counts
from portal.rules.services import threshold

from .models import ChemicalStorageSite, Enterprise, KeyDomain, Status

# RULES.md §4 item 3 [000]: the key dust enterprises are those of the combustible-dust domain with at
# least ``inspections.dust_key_workers_min`` (shipped as 10, editable) dust workers per shift.
DUST_DOMAIN = "dust"
DUST_WORKERS_MIN = "inspections.dust_key_workers_min"

COUNT_KEYS = ["total", "producing", "suspended", "deregistered", "key_sector", "above_scale", "dust_key",
              "chemical_storage", "tenants", "safety_section"]


def _path_field(region):
    """Enterprises reach districts and townships through their township, villages through their village."""
    return "village__path" if region.level == Region.Level.TOWNSHIP else "township__path"


def child_regions(region):
    """The children of ``region`` in the bureau's order, keyed by path."""
    return {r.path: r for r in region.children.order_by("order", "code")}


def dust_workers_min(region):
    """The threshold of dust workers per shift that makes a dust enterprise a key one, for ``region`` today."""
    return threshold(DUST_WORKERS_MIN, region=region)


def roster_counts(region, queryset=None, dust_min=None):
    """Per child region: enterprises on the roster (not deregistered), producing, suspended,
    key-sector, above-scale, key dust (domain combustible dust with at least ``dust_min`` workers per
    shift, by default the region's threshold ``inspections.dust_key_workers_min``), with a
    hazardous-chemical storage site registered, factory-in-factory tenants, with a safety management
    section. One query (and the threshold's when ``dust_min`` is not given)."""
    if dust_min is None:
        dust_min = dust_workers_min(region)
    qs = (queryset if queryset is not None else Enterprise.objects.all()).filter(
        township__path__startswith=region.path)
    # EXISTS rather than a join: an enterprise with several domains or sites is still one row
    dust = Exists(Enterprise.key_domains.through.objects.filter(enterprise=OuterRef("pk"),
                                                                 keydomain__code=DUST_DOMAIN))
    storage = Exists(ChemicalStorageSite.objects.filter(enterprise=OuterRef("pk")))
    live = ~Q(status=Status.DEREGISTERED)
    rows = (qs.annotate(child=child_path_expr(region, _path_field(region)), is_dust=dust, has_storage=storage)
            .values("child").annotate(
                total=Count("pk", filter=live),
                producing=Count("pk", filter=Q(status=Status.PRODUCING)),
                suspended=Count("pk", filter=Q(status=Status.SUSPENDED)),
                deregistered=Count("pk", filter=Q(status=Status.DEREGISTERED)),
                key_sector=Count("pk", filter=live & Q(is_key_sector=True)),
                above_scale=Count("pk", filter=live & Q(above_scale=True)),
                dust_key=Count("pk", filter=live & Q(is_dust=True, dust_workers_per_shift__gte=dust_min)),
                chemical_storage=Count("pk", filter=live & Q(has_storage=True)),
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
    dust_min = dust_workers_min(region)
    counts = roster_counts(region, queryset, dust_min)
    domains = list(KeyDomain.objects.order_by("order", "code"))
    by_domain = key_domain_counts(region, queryset)
    empty = dict.fromkeys(COUNT_KEYS, 0)
    rows = []
    if None in counts:  # enterprises of a township not yet placed in a village
        children = {**children, None: None}
    for path, child in children.items():
        row = {"region": child, **empty, **counts.get(path, {})}
        row["domains"] = [by_domain.get(path, {}).get(d.pk, 0) for d in domains]
        rows.append(row)
    totals = {key: sum(r[key] for r in rows) for key in empty}
    totals["domains"] = [sum(r["domains"][i] for r in rows) for i in range(len(domains))]
    return {"region": region, "rows": rows, "totals": totals, "domains": domains, "dust_min": dust_min}


# -- registered figures ------------------------------------------------------------------------------------------------
def outside_grid(region, period):
    """Enterprises on the roster (not deregistered) outside any grid cell, today (the roster has no
    history of cells: ``period`` is not used), under their current township; every child present.
    The roster's filter "outside any grid cell" lists them."""
    qs = Enterprise.objects.exclude(status=Status.DEREGISTERED).filter(grid_cell__isnull=True)
    return grouped_counts(region, qs, village="village", n=Count("pk"))


def on_roster(region, period):
    """Enterprises on the roster (not deregistered) today, under their current township (the
    roster's current state, as ``outside_grid``: ``period`` is not used). One query."""
    qs = Enterprise.objects.exclude(status=Status.DEREGISTERED)
    return grouped_counts(region, qs, village="village", n=Count("pk"))


def producing(region, period):
    """Producing enterprises on the roster today, under their current township (the notice's
    "正常生产的工贸企业"; ``period`` is not used). One query."""
    qs = Enterprise.objects.filter(status=Status.PRODUCING)
    return grouped_counts(region, qs, village="village", n=Count("pk"))


registry.register("enterprises.outside_grid", _("Enterprises outside any grid cell"), "家", False, outside_grid)
registry.register("enterprises.on_roster", _("Enterprises on the roster"), "家", True, on_roster)
registry.register("enterprises.producing", _("Producing enterprises"), "家", True, producing)
