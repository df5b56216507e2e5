"""The Content-Security-Policy (issue 8 §10): sent on every response, strict, and the templates
hold nothing it would refuse (the browser tests enforce it page by page; this reads every template)."""
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

ROOT = Path(settings.BASE_DIR)
TEMPLATES = sorted(p for pattern in ("templates/**/*.html", "*/templates/**/*.html", "*/*/templates/**/*.html")
                   for p in ROOT.glob(pattern) if ".venv" not in p.parts and "node_modules" not in p.parts)

REFUSED = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I),
    "on* handler": re.compile(r"\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "<style> element": re.compile(r"<style[\s>]", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
    "htmx code": re.compile(r"\shx-on[:-]|\shx-(?:vals|vars)\s*=\s*['\"]\s*(?:js|javascript):", re.I),
}


def _policy(response):
    return dict(part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";"))


def test_the_templates_hold_nothing_the_policy_refuses():
    assert len(TEMPLATES) > 50  # the glob found the apps' templates
    found = []
    for path in TEMPLATES:
        if path.parent.name == "documents" and path.parent.parent.name == "templates":
            continue  # PDF layouts (WeasyPrint), never served to a browser
        text = path.read_text(encoding="utf-8")
        text = re.sub(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}|\{#.*?#\}", "", text, flags=re.S)
        found += [f"{path.relative_to(ROOT)}: {what}" for what, pattern in REFUSED.items() if pattern.search(text)]
    assert found == []


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/accounts/login/", "/api/v1/", "/no-such-page/"])
def test_every_response_carries_the_strict_policy(url, settings):
    settings.DEBUG = False
    policy = _policy(Client().get(url))
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'" and policy["style-src"] == "'self'"
    assert policy["img-src"] == "'self' data:"
    assert (policy["object-src"], policy["frame-ancestors"]) == ("'none'", "'none'")
    assert (policy["form-action"], policy["base-uri"]) == ("'self'", "'self'")
    assert "unsafe" not in " ".join(policy.values())


def test_swagger_ui_comes_in_its_split_form(world):
    client = Client()
    client.force_login(world.bureau)
    page = client.get(reverse("api-docs")).content.decode()
    assert re.findall(r"<script(?![^>]*\bsrc=)", page) == [] and "<style" not in page
    script = re.search(r'<script src="([^"]*script=[^"]*)"', page).group(1).replace("&amp;", "&")
    init = client.get(script)
    assert init.status_code == 200 and init["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle(" in init.content.decode()


def test_the_api_answers_json_even_to_a_browser(world):
    """DRF's browsable pages would break under the policy: a browser gets JSON, people use Swagger UI."""
    client = Client()
    client.force_login(world.bureau)
    response = client.get("/api/v1/enterprises/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert client.get("/api/v1/auth/login/").status_code == 404  # the browsable API's own sign-in page
