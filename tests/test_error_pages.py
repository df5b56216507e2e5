"""With DEBUG off the error pages and the API's "not found" are Chinese, in the portal's layout
(issue 8 §10), whatever language the browser asks for."""
import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

ENGLISH_BROWSER = "en-US,en;q=0.9"
pytestmark = pytest.mark.urls("tests.error_urls")  # the portal's URLs and three that fail on purpose


@pytest.fixture(autouse=True)
def _production_errors(settings):
    settings.DEBUG = False


def _client(user=None):
    client = Client(HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER, raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _in_layout(page):
    assert '<html lang="zh-hans">' in page
    assert "portal/portal.css" in page and 'class="navbar' in page  # the portal's layout


def test_404_is_chinese_in_the_layout_with_the_menu(world):
    response = _client(world.inspector).get("/no-such-page/")
    assert response.status_code == 404
    page = response.content.decode()
    _in_layout(page)
    assert "页面不存在" in page
    assert "企业名录" in page  # the signed-in user's menu: the context processors ran
    assert "Not Found" not in page


def test_404_of_a_record_out_of_scope_is_the_same_page(world):
    response = _client(world.luoyang_inspector).get(reverse("enterprises:detail", args=[world.e_hutang.pk]))
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    assert "No such record" not in response.content.decode()


def test_403_is_chinese_in_the_layout(world):
    response = _client(world.inspector).get("/test-errors/403/")
    assert response.status_code == 403
    page = response.content.decode()
    _in_layout(page)
    assert "无权操作" in page


def test_400_is_chinese_in_the_layout(db):
    response = _client().get("/test-errors/400/")
    assert response.status_code == 400
    page = response.content.decode()
    _in_layout(page)
    assert "请求有误" in page


def test_500_is_chinese_in_the_layout(world):
    response = _client(world.inspector).get("/test-errors/500/")
    assert response.status_code == 500
    page = response.content.decode()
    _in_layout(page)
    assert "服务器错误" in page
    assert "a bug" not in page and "Server Error (500)" not in page


def test_a_csrf_failure_is_chinese_in_the_layout(world):
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER)
    response = client.post(reverse("accounts:login"), {"username": "hutang", "password": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    _in_layout(page)
    assert "表单已失效" in page


def test_the_500_page_needs_neither_the_database_nor_a_request():
    """Django renders 500.html (and 400.html) with no context: a broken database must not break it.
    This test has no database access, so a query would fail it."""
    with translation.override("zh-hans"):
        for name in ("500.html", "400.html"):
            page = render_to_string(name)
            _in_layout(page)
            assert "language-switch" not in page  # the switch needs a request (CSRF, next)


@pytest.mark.parametrize("url", ["/api/v1/enterprises/{pk}/", "/api/v1/hazards/999999/", "/api/v1/regions/999999/"])
def test_the_api_says_not_found_in_chinese(world, url):
    response = _client(world.luoyang_inspector).get(url.format(pk=world.e_hutang.pk))
    assert response.status_code == 404
    assert response.json() == {"detail": "没有这条记录，或不在您的账号可查看的范围内。", "code": "not_found", "fields": {}}


def test_the_api_says_not_found_in_english_to_who_picked_english(world):
    client = _client(world.luoyang_inspector)
    client.cookies["django_language"] = "en"
    response = client.get(f"/api/v1/enterprises/{world.e_hutang.pk}/")
    assert response.json() == {"detail": "No such record.", "code": "not_found", "fields": {}}
