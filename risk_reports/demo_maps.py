"""Demo risk maps (issue 11 "Demo": "a floor plan with points"): for the demo enterprise account's
plant (``qiye``) and a few producing enterprises with significant-or-above points, a floor plan of
their plant drawn with Pillow — one room a workshop, laid out in a grid — with every live point placed
in its workshop's room. Written through the services (``site_plan_upload``, ``placement_create``), so
the image is validated and re-encoded like an upload and every placement is one the page could make.
"""
import io
import math

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Exists, OuterRef, Q
from PIL import Image, ImageDraw

from enterprises.models import Enterprise, Status
from portal.demo import register

from .models import RiskPoint, SitePlan
from .services.maps import placement_create, site_plan_upload

ORDER = 55  # after the risk points (50)
ENTERPRISES = 5  # besides qiye's
WIDTH, HEIGHT, MARGIN = 1200, 800, 40


def _rooms(areas):
    """Each workshop's room (left, top, right, bottom) in a grid filling the plant."""
    columns = max(1, math.ceil(math.sqrt(len(areas) * WIDTH / HEIGHT)))
    rows = max(1, math.ceil(len(areas) / columns))
    w, h = (WIDTH - 2 * MARGIN) / columns, (HEIGHT - 2 * MARGIN) / rows
    return {area: (MARGIN + (i % columns) * w, MARGIN + (i // columns) * h,
                   MARGIN + (i % columns + 1) * w, MARGIN + (i // columns + 1) * h) for i, area in enumerate(areas)}


def _drawing(rooms, rng):
    image = Image.new("RGB", (WIDTH, HEIGHT), (250, 250, 246))
    draw = ImageDraw.Draw(image)
    draw.rectangle([MARGIN - 8, MARGIN - 8, WIDTH - MARGIN + 8, HEIGHT - MARGIN + 8], outline=(40, 40, 40), width=8)
    for left, top, right, bottom in rooms.values():
        draw.rectangle([left, top, right, bottom], outline=(60, 60, 60), width=4)
        # a door and a few machines (grey blocks) in each room
        door = left + (right - left) * rng.uniform(.3, .6)
        draw.line([door, bottom, door + 40, bottom], fill=(250, 250, 246), width=6)
        for _i in range(rng.randint(2, 5)):
            x = rng.uniform(left + 20, right - 70)
            y = rng.uniform(top + 20, bottom - 50)
            draw.rectangle([x, y, x + rng.uniform(25, 50), y + rng.uniform(15, 30)], fill=(200, 200, 195))
    out = io.BytesIO()
    image.save(out, "PNG")
    return SimpleUploadedFile("厂区平面图.png", out.getvalue(), content_type="image/png")


def _enterprises(ctx):
    significant = RiskPoint.objects.filter(enterprise=OuterRef("pk"), retired_on__isnull=True,
                                           level__in=("red", "orange"))
    chosen = []
    qiye = ctx.users.get("qiye")
    member = getattr(qiye, "enterprise_membership", None) if qiye is not None else None
    if member is not None:
        chosen.append(member.enterprise)
    others = (Enterprise.objects.filter(Exists(significant), status=Status.PRODUCING)
              .exclude(pk__in=[e.pk for e in chosen])
              .exclude(Exists(SitePlan.objects.filter(enterprise=OuterRef("pk"))))
              .order_by("township__order", "pk"))
    return chosen + list(others[:ENTERPRISES])


def maps_build(ctx):
    rng = ctx.rng
    placed = 0
    enterprises = _enterprises(ctx)
    for enterprise in enterprises:
        if SitePlan.objects.filter(enterprise=enterprise).exists():
            continue
        points = list(RiskPoint.objects.filter(Q(retired_on__isnull=True) | Q(retired_on__gt=ctx.today),
                                               enterprise=enterprise).order_by("area", "name"))
        if not points:
            continue
        areas = sorted({p.area for p in points})
        rooms = _rooms(areas)
        plan = site_plan_upload(enterprise=enterprise, by=None, site="厂区总平面", image=_drawing(rooms, rng))
        for point in points:
            left, top, right, bottom = rooms[point.area]
            x = rng.uniform(left + 25, right - 25) / WIDTH
            y = rng.uniform(top + 25, bottom - 25) / HEIGHT
            placement_create(plan=plan, point=point, x=f"{x:.4f}", y=f"{y:.4f}", by=None)
            placed += 1
    ctx.log(f"  risk maps: {len(enterprises)} floor plans, {placed} points placed")


register("risk_maps", maps_build, order=ORDER, populated=lambda: SitePlan.objects.exists())
