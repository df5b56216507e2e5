"""Chinese unless the user asks otherwise (issue 8 §2): the browser's Accept-Language is not read;
English only after the user picks it with the language switch, which the language cookie keeps."""
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD

ENGLISH_BROWSER = "en-US,en;q=0.9"


@pytest.mark.django_db
def test_an_english_browser_gets_the_sign_in_page_in_chinese():
    response = Client(HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER).get(reverse("accounts:login"))
    page = response.content.decode()
    assert '<html lang="zh-hans">' in page
    assert "<h1 class=\"h4 mb-3\">登录</h1>" in page
    assert response["Content-Language"] == "zh-hans"
    assert "Accept-Language" not in response.get("Vary", "")


def test_an_english_browser_gets_the_portal_and_the_api_in_chinese(world):
    client = Client(HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER)
    client.force_login(world.inspector)
    home = client.get(reverse("home")).content.decode()
    assert '<html lang="zh-hans">' in home and "你好" in home
    assert '<html lang="zh-hans">' in client.get(reverse("enterprises:list")).content.decode()
    response = client.get("/api/v1/enterprises/999999/")
    assert response.status_code == 404
    assert response["Content-Language"] == "zh-hans"


def test_the_switch_picks_english_and_it_is_remembered(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("accounts:login")})
    assert response.status_code == 302
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert int(cookie["max-age"]) >= 300 * 24 * 3600  # kept past the browser session
    # English from now on, whatever the browser sends, before and after signing in
    assert '<html lang="en">' in client.get(reverse("accounts:login")).content.decode()
    assert client.post(reverse("accounts:login"), {"username": "hutang", "password": PASSWORD}).status_code == 302
    assert '<html lang="en">' in client.get(reverse("enterprises:list")).content.decode()
    # and back to Chinese with the same switch
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    assert '<html lang="zh-hans">' in client.get(reverse("enterprises:list")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("cookie", ["fr", "xx-yy", "", "en\x00"])
def test_a_language_cookie_outside_the_configured_ones_means_chinese(cookie):
    client = Client(HTTP_ACCEPT_LANGUAGE=ENGLISH_BROWSER)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    assert '<html lang="zh-hans">' in client.get(reverse("accounts:login")).content.decode()


@pytest.mark.django_db
def test_the_sign_in_page_offers_the_switch():
    page = Client().get(reverse("accounts:login")).content.decode()
    assert 'id="language-switch"' in page
    assert 'name="language" value="en" lang="en"><i class="bi bi-translate"></i> English</button>' in page  # named in English
