"""The zh-hans catalogues: each app keeps its own (`<app>/locale/`), the project's (LOCALE_PATHS)
holds the portal package's and templates/' strings and those that must beat another installed
app's translation. Django merges them all, so each msgid lives in exactly one, translated, and
reaches the page as written there. `make messages` (scripts/messages.py) keeps them so."""

import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

BASE_DIR = Path(settings.BASE_DIR).resolve()


def first_party_locale_dirs():
    dirs = [Path(p).resolve() for p in settings.LOCALE_PATHS]
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(BASE_DIR) and ".venv" not in path.parts:
            dirs.append(path / "locale")
    return dirs


def catalogues():
    found = [d / "zh_Hans" / "LC_MESSAGES" / "django.po" for d in first_party_locale_dirs()]
    return [p for p in found if p.exists()]


def label(path):
    return str(path.relative_to(BASE_DIR))


def test_every_catalogue_on_disk_is_one_django_reads_and_each_app_with_strings_has_one():
    on_disk = {
        p.resolve()
        for p in BASE_DIR.rglob("django.po")
        if not {".venv", "node_modules", "var"} & set(p.relative_to(BASE_DIR).parts)
    }
    assert on_disk == set(catalogues())
    assert {label(p) for p in catalogues()} >= {
        "locale/zh_Hans/LC_MESSAGES/django.po",
        "grid/locale/zh_Hans/LC_MESSAGES/django.po",
        "portal/accounts/locale/zh_Hans/LC_MESSAGES/django.po",
        "enterprises/locale/zh_Hans/LC_MESSAGES/django.po",
        "inspections/locale/zh_Hans/LC_MESSAGES/django.po",
    }


def test_no_msgid_is_in_two_catalogues():
    where = {}
    for path in catalogues():
        for entry in polib.pofile(str(path)):
            where.setdefault((entry.msgctxt, entry.msgid), []).append(label(path))
    twice = {k[1]: paths for k, paths in where.items() if len(paths) > 1}
    assert twice == {}


@pytest.mark.parametrize("path", catalogues(), ids=label)
def test_every_entry_is_translated_and_none_is_fuzzy_or_obsolete(path):
    po = polib.pofile(str(path))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    assert [e.msgid for e in po.obsolete_entries()] == []


@pytest.mark.parametrize("path", catalogues(), ids=label)
def test_every_catalogue_compiles_with_its_formats_checked(path):
    result = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def through_django(entry):
    """What a page shows for `entry` (zh-hans has one plural form)."""
    if entry.msgid_plural:
        args = (entry.msgid, entry.msgid_plural, 1)
        return translation.npgettext(entry.msgctxt, *args) if entry.msgctxt else translation.ngettext(*args)
    if entry.msgctxt:
        return translation.pgettext(entry.msgctxt, entry.msgid)
    return translation.gettext(entry.msgid)


def test_every_entry_reaches_the_page_as_written_in_its_catalogue():
    """No other catalogue shadows ours: not another of ours, nor an installed app's (admin, auth,
    rest_framework and django_filters come first in INSTALLED_APPS and translate "Action",
    "Filters", "Password reset", ... their own way). Needs the compiled .mo (scripts/setup.sh)."""
    wrong = []
    with translation.override("zh-hans"):
        for path in catalogues():
            for entry in polib.pofile(str(path)):
                want = entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr
                if through_django(entry) != want:
                    wrong.append((label(path), entry.msgid, through_django(entry), want))
    assert wrong == [], "stale .mo? run `make messages` or scripts/setup.sh"


@pytest.mark.parametrize(
    "msgid, chinese",
    [
        ("Township", "板块"),  # grid, used by most apps
        ("Access log", "访问日志"),  # portal.accounts
        ("Failed", "失败"),  # portal.jobs
        ("Effective from", "生效日期"),  # portal.rules
        ("The file is empty.", "文件为空。"),  # portal.attachments
        ("Say what the sample is for.", "请说明抽查用途。"),  # portal.sampling
        ("Unread", "未读"),  # portal.notifications
        ("Principal accounts", "主要负责人账号"),  # enterprises
        ("Unknown major-hazard criterion.", "未知的重大事故隐患判定标准。"),  # inspections
        ("Sign out", "退出"),  # the project (templates/base.html)
        ("Action", "操作"),  # the project's, over the admin's 动作
        ("Filters", "筛选条件"),  # the project's, over django_filters' 过滤器
    ],
)
def test_representative_strings_of_each_app_are_chinese(msgid, chinese):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == chinese


def test_representative_formats_and_plurals_are_chinese():
    with translation.override("zh-hans"):
        assert translation.gettext("%(year)d first half") % {"year": 2026} == "2026年上半年"  # portal.figures
        assert translation.ngettext("%(n)s user", "%(n)s users", 7) % {"n": 7} == "共 7 名用户"  # accounts


def test_the_catalogues_hold_what_the_code_uses_each_msgid_where_the_layering_puts_it():
    """scripts/messages.py --check extracts the msgids from the code (xgettext, as makemessages)
    and fails on a msgid missing, untranslated, in the wrong catalogue, or no longer used."""
    result = subprocess.run(
        [sys.executable, "scripts/messages.py", "--check"], cwd=BASE_DIR, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
