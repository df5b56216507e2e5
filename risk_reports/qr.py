"""The QR of a Changan code: the absolute URL of its scan page (``changan:scan``, /c/<token>/),
drawn by segno.

The URL's host is ``settings.PORTAL_BASE_URL`` when set, else the host of the request that draws
the QR (so a portal on an intranet address prints codes that open on that address). A label sheet
made by a background job has no request: the view that starts it passes the base along.

Error correction is Q (a quarter of the symbol can be lost): labels live on dusty, oily shop
floors. segno raises it further when that costs no larger symbol (its ``boost_error``); the URL
(~60 characters) stays a version 5 or 6 symbol, which scans from a phone at 3 cm printed.
"""
import io

import segno
from django.conf import settings
from django.urls import reverse

ERROR = "q"
SVG_CONTENT_TYPE = "image/svg+xml"


def base_url(request=None):
    """``scheme://host[:port]`` the QR codes point at (no trailing slash)."""
    if settings.PORTAL_BASE_URL:
        return settings.PORTAL_BASE_URL
    if request is None:
        raise ValueError("No PORTAL_BASE_URL and no request: cannot tell the portal's address")
    return request.build_absolute_uri("/").rstrip("/")


def scan_url(code, *, base):
    """The absolute URL a code's QR encodes."""
    return base + reverse("changan:scan", args=[code.token])


def make(url):
    """The QR symbol of ``url`` (a ``segno.QRCode``; never a Micro QR, which phones do not read)."""
    return segno.make_qr(url, error=ERROR)


def code_svg(code, *, base, scale=4, border=4, title=None):
    """The QR of ``code`` as a standalone SVG document (bytes): dark modules as one path, a quiet zone
    of ``border`` modules, ``scale`` SVG units per module."""
    out = io.BytesIO()
    make(scan_url(code, base=base)).save(out, kind="svg", scale=scale, border=border, title=title,
                                         xmldecl=True, svgns=True, encoding="utf-8")
    return out.getvalue()


def code_png_data_uri(code, *, base, border=4):
    """The QR as a ``data:`` PNG of one pixel per module, for the labels' PDF: scaled up there with
    ``image-rendering: pixelated`` (no smoothing, so the modules print sharp), WeasyPrint lays it out
    and draws it faster than the same QR as an SVG path (300 labels, one measurement on a busy
    machine: ~15 s against ~22 s)."""
    return make(scan_url(code, base=base)).png_data_uri(scale=1, border=border)


def short_id(code):
    """The code's short id printed on its label and shown in the code list: the token's first six
    characters (the same as ``ChanganCode.__str__``), enough to tell a point's labels apart."""
    return code.token[:6]
