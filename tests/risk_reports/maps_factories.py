"""Floor plans and placements for tests, made through the services (``site_plan_upload``,
``placement_create``); images drawn with Pillow."""
import io
import os

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from risk_reports.services.maps import placement_create, site_plan_upload


def plan_image(width=800, height=500, name="平面图.png", fmt="PNG", noise=False):
    """A floor plan drawing: a frame and two walls, as PNG (or ``fmt``); ``noise``: on random
    pixels, so the PNG is big (about 3 bytes a pixel)."""
    image = (Image.frombytes("RGB", (width, height), os.urandom(width * height * 3)) if noise
             else Image.new("RGB", (width, height), "white"))
    draw = ImageDraw.Draw(image)
    draw.rectangle([10, 10, width - 10, height - 10], outline="black", width=4)
    draw.line([width // 2, 10, width // 2, height - 10], fill="black", width=3)
    draw.line([10, height // 2, width // 2, height // 2], fill="black", width=3)
    out = io.BytesIO()
    image.save(out, fmt)
    return SimpleUploadedFile(name, out.getvalue(), content_type=f"image/{fmt.lower()}")


def make_plan(enterprise, by=None, site="一号厂房", **kwargs):
    return site_plan_upload(enterprise=enterprise, by=by, site=site, image=plan_image(**kwargs))


def place(plan, point, x="0.5", y="0.5", by=None):
    return placement_create(plan=plan, point=point, x=x, y=y, by=by)
