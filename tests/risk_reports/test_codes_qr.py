"""A code's QR: an SVG of the absolute scan URL (/c/<token>/ on the portal's address), shown only to
those who see the point, and to nobody once the code is revoked. The SVG's path is read back into
modules and compared with the symbol segno makes of the expected URL, so the image draws that URL."""
import re

import pytest
import segno
from django.urls import reverse

from risk_reports import qr
from risk_reports.models import ChanganCode
from risk_reports.services.codes import code_reissue
from tests.enterprises.factories import make_enterprise_user
from tests.risk_reports.factories import make_point

pytestmark = pytest.mark.django_db


@pytest.fixture
def point(world):
    return make_point(world.e_hutang, by=world.principal, category="dust_collector", name="布袋除尘器")


def live(point):
    return ChanganCode.objects.get(point=point, revoked_at__isnull=True)


def modules_of(svg):
    """The dark modules ``{(row, column)}`` segno's SVG path draws: ``M x y`` moves, ``m dx dy``
    moves by, ``h n`` draws n modules to the right, on the line through the row's middle (y + .5)."""
    path = re.search(rb' d="([^"]+)"', svg).group(1).decode()
    scale = re.search(r'scale\((\d+)\)', svg.decode())
    assert scale is None or scale.group(1) == "4"
    dark, x, y = set(), 0.0, 0.0
    for command, args in re.findall(r"([MmHhVv])([-0-9. ]+)", path):
        numbers = [float(n) for n in re.findall(r"-?[0-9.]+", args)]
        if command == "M":
            x, y = numbers
        elif command == "m":
            x, y = x + numbers[0], y + numbers[1]
        elif command == "h":
            dark |= {(int(y), int(x) + i) for i in range(int(numbers[0]))}
            x += numbers[0]
        else:
            raise AssertionError(f"unexpected path command {command}")
    return dark


def symbol_modules(url, border=4):
    matrix = segno.make_qr(url, error="q").matrix
    return {(r + border, c + border) for r, row in enumerate(matrix) for c, bit in enumerate(row) if bit}


def test_the_qr_is_an_svg_of_the_scan_url_on_the_request_host(client, world, point, settings):
    settings.ALLOWED_HOSTS = ["10.20.30.40"]  # an intranet address, as a deployment lists it
    settings.PORTAL_BASE_URL = ""
    code = live(point)
    client.force_login(world.principal)
    response = client.get(reverse("risk_reports:code_qr", args=[code.token]), HTTP_HOST="10.20.30.40:8000",
                          SERVER_PORT="8000")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<?xml") and b'<svg xmlns="http://www.w3.org/2000/svg"' in response.content
    url = f"http://10.20.30.40:8000/c/{code.token}/"
    assert url == "http://10.20.30.40:8000" + reverse("changan:scan", args=[code.token])
    assert modules_of(response.content) == symbol_modules(url)
    assert modules_of(response.content) != symbol_modules(f"http://10.20.30.40:8000/c/{code.token[:-1]}x/")


def test_portal_base_url_wins_over_the_request_host(client, world, point, settings):
    settings.PORTAL_BASE_URL = "https://aq.wujin.example.cn"
    code = live(point)
    client.force_login(world.inspector)  # a supervisor sees the point: its QR too
    response = client.get(reverse("risk_reports:code_qr", args=[code.token]))
    assert response.status_code == 200
    assert modules_of(response.content) == symbol_modules(f"https://aq.wujin.example.cn/c/{code.token}/")
    assert qr.scan_url(code, base=qr.base_url()) == f"https://aq.wujin.example.cn/c/{code.token}/"


def test_the_qr_is_quarter_error_correction_and_a_small_symbol(point):
    symbol = qr.make(qr.scan_url(live(point), base="http://192.168.100.200:8000"))
    # 60 characters: version 5 at Q (segno may boost the level when that costs nothing)
    assert symbol.error in ("Q", "H") and symbol.version <= 6 and not symbol.is_micro


def test_download_names_the_file(client, world, point):
    client.force_login(world.principal)
    response = client.get(reverse("risk_reports:code_qr", args=[live(point).token]) + "?download=1")
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("who", ["luoyang_inspector", "other_principal", "auditor", "admin"])
def test_a_user_who_does_not_see_the_point_gets_404(client, world, point, who):
    world.other_principal = make_enterprise_user(world.e_luoyang, "principal", username="luoyang_boss")
    client.force_login(getattr(world, who))
    assert client.get(reverse("risk_reports:code_qr", args=[live(point).token])).status_code == 404


def test_a_revoked_or_unknown_code_has_no_qr(client, world, point):
    old = live(point)
    code_reissue(point=point, by=world.principal, reason="标签丢失")
    client.force_login(world.principal)
    assert client.get(reverse("risk_reports:code_qr", args=[old.token])).status_code == 404
    assert client.get(reverse("risk_reports:code_qr", args=["x" * 32])).status_code == 404
    assert client.get(reverse("risk_reports:code_qr", args=[live(point).token])).status_code == 200


def test_anonymous_is_sent_to_sign_in(client, point):
    response = client.get(reverse("risk_reports:code_qr", args=[live(point).token]))
    assert response.status_code == 302 and "login" in response.url
