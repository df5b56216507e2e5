"""The shared list partials in templates/portal/ (issue 8 §4): each rendered with a small context
(a filter set without a model, plain objects for regions, a paginated list), then two pages that
use them, checked through the client."""
import datetime
import re
from html import unescape
from types import SimpleNamespace

import django_filters
import pytest
from django import forms
from django.core.paginator import Paginator
from django.template import engines
from django.template.loader import render_to_string
from django.utils import translation

from grid.models import Region
from portal.figures.periods import Period


class _Filter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="Name")
    status = django_filters.ChoiceFilter(choices=[("a", "Alpha"), ("b", "Beta")], label="State")
    open = django_filters.BooleanFilter(label="Still open")
    after = django_filters.DateFilter(label="From")
    enterprise = django_filters.NumberFilter(label="Enterprise")
    plan = django_filters.NumberFilter(label="Plan")


def _filter(data=None):
    return _Filter(data, queryset=Region.objects.none())  # the form only: nothing is queried


def _render(name, **context):
    with translation.override("zh-hans"):
        return render_to_string(name, context)


def _from_string(text, **context):
    with translation.override("zh-hans"):
        return engines["django"].from_string(text).render(context)


# -- the filter bar -----------------------------------------------------------------------------------
def test_the_filter_bar_keeps_the_bound_values_and_the_hidden_fields():
    bound = _filter({"q": "湖塘", "status": "b", "open": "false", "after": "2026-05-01", "enterprise": "7", "plan": "9"})
    html = _render("portal/_filter_bar.html", filter=bound, form_id="x-filters", fields="q status open after",
                   keep="enterprise")
    assert '<form class="card card-body mb-3" method="get" id="x-filters" data-filters>' in html
    assert '<input class="form-control" type="search" name="q" id="id_q" value="湖塘" placeholder="搜索">' in html
    assert '<label class="form-label small" for="id_status">State</label>' in html
    assert '<option value="b" selected>Beta</option>' in html and 'class="form-select"' in html
    assert '<option value="false" selected>否</option>' in html and '<option value="true">是</option>' in html
    assert '<input class="form-control" type="date" name="after" id="id_after" value="2026-05-01">' in html
    # shown in the order given; "enterprise" rides along hidden, "plan" (neither shown nor kept) does not
    assert html.index('name="q"') < html.index('name="status"') < html.index('name="open"') < html.index('name="after"')
    assert '<input type="hidden" name="enterprise" value="7">' in html
    assert 'name="plan"' not in html
    assert "筛选" in html and "hx-get" not in html and "data-export-url" not in html


def test_the_filter_bar_shows_every_visible_field_by_default_and_dates_in_iso():
    html = _render("portal/_filter_bar.html", filter=_filter())
    for name in ("q", "status", "open", "after", "enterprise", "plan"):
        assert f'name="{name}"' in html, name
    assert '<option value="">---------</option><option value="true">是</option><option value="false">否</option>' in html

    class DayForm(forms.Form):  # a plain form (the messages page's) whose initial day is a date
        day = forms.DateField(label="Day", initial=datetime.date(2026, 3, 1))
        hidden = forms.CharField(widget=forms.HiddenInput, initial="h")

    html = _render("portal/_filter_bar.html", form=DayForm())
    assert '<input class="form-control" type="date" name="day" id="id_day" value="2026-03-01">' in html
    assert '<input type="hidden" name="hidden" value="h">' in html  # a hidden field always rides along


def test_the_filter_bar_wires_the_export_link_and_htmx_when_asked():
    html = _render("portal/_filter_bar.html", filter=_filter({}), form_id="f", export_url="/x/export/",
                   export_defaults="district_supervised=true", hx_get="/x/", hx_target="x-results",
                   title="第一步", button="预览")
    assert 'data-export-url="/x/export/" data-export-link="export-link" data-export-skip="unknown"' in html
    assert 'data-export-defaults="district_supervised=true"' in html
    assert 'hx-get="/x/" hx-target="#x-results" hx-push-url="true"' in html
    assert '<h2 class="h6">第一步</h2>' in html and "预览</button>" in html


# -- the filter-error line ----------------------------------------------------------------------------
def test_the_error_line_lists_each_refused_filter_with_its_label():
    bad = _filter({"status": "zzz", "after": "someday", "q": "x"})
    html = _render("portal/_filter_errors.html", form=bad.form)
    assert 'class="alert alert-warning filter-errors" id="filter-errors"' in html
    lines = re.findall(r"<div>(.*?)</div>", unescape(html))
    assert len(lines) == 2
    assert lines[0].startswith("State：") and lines[1].startswith("From：")


def test_the_error_line_is_absent_for_good_or_unbound_filters():
    assert "alert" not in _render("portal/_filter_errors.html", form=_filter({"status": "a"}).form)
    assert "alert" not in _render("portal/_filter_errors.html", form=_filter().form)
    assert "alert" not in _render("portal/_filter_errors.html")  # nothing passed at all
    html = _render("portal/_filter_errors.html", form=_filter({"after": "x"}).form, errors_id="plan-errors")
    assert 'id="plan-errors"' in html


# -- the period picker --------------------------------------------------------------------------------
def _regions():
    wujin = SimpleNamespace(pk=1, name="武进区", parent=None)
    return [SimpleNamespace(pk=2, name="湖塘镇", parent=wujin), SimpleNamespace(pk=3, name="洛阳镇", parent=wujin)]


def test_the_picker_marks_the_selected_region_and_period():
    regions = _regions()
    periods = Period.recent(datetime.date(2026, 5, 15), 3)  # 2026Q2, 2026Q1, 2025Q4
    html = _render("portal/_period_picker.html", regions=regions, region=regions[1], periods=periods,
                   period=Period.quarter(2026, 1))
    assert '<option value="3" selected>洛阳镇</option>' in html and '<option value="2">湖塘镇</option>' in html
    assert '<option value="2026Q1" selected>2026年第1季度</option>' in html
    assert '<option value="2026Q2">' in html and '<option value="2025Q4">' in html
    assert 'name="region" id="picker-region"' in html and 'name="period" id="picker-period"' in html
    assert ">区域</label>" in html and ">统计期间</label>" in html and "查看" in html
    assert "required" not in html and "导出" not in html


def test_the_picker_takes_names_labels_a_blank_choice_parents_and_an_export_link():
    regions = _regions()
    html = _render("portal/_period_picker.html", regions=regions, region=None, region_name="township",
                   region_label="乡镇", region_id="cr-township", region_blank=True, with_parent=True,
                   periods=[Period.half(2026, 1)], period=Period.half(2026, 1), period_name="half",
                   export_href="?township=2&format=xlsx")
    assert 'name="township" id="cr-township" required>' in html and '<option value="">—</option>' in html
    assert "selected>武进区" not in html and '<option value="2">武进区 · 湖塘镇</option>' in html
    assert '<select class="form-select" name="half"' in html and '<option value="2026H1" selected>' in html
    assert 'href="?township=2&amp;format=xlsx"' in html


# -- the paged table ----------------------------------------------------------------------------------
_TABLE = """{% extends "portal/_paged_table.html" %}{% load i18n %}
{% block count_id %}thing-count{% endblock %}
{% block table_attrs %} id="thing-table"{% endblock %}
{% block head %}<th>名称</th><th>数量</th>{% endblock %}
{% block row %}<tr><td>{{ item.name }}</td><td data-label="数量">{{ item.n }}</td></tr>{% endblock %}
{% block columns %}2{% endblock %}
{% block empty %}没有东西{% endblock %}"""


def test_the_paged_table_shows_the_count_the_rows_and_paging_links_that_keep_the_query():
    things = [SimpleNamespace(name=f"物{n}", n=n) for n in range(5)]
    page = Paginator(things, 2).page(2)
    html = _from_string(_TABLE, page=page, query="status=a&q=x")
    assert '<span class="text-muted" id="thing-count">共 5 条</span>' in html
    assert '<table class="table table-sm table-hover bg-white align-middle table-responsive-stack " id="thing-table">' in html
    assert "<tr><td>物2</td><td data-label=\"数量\">2</td></tr>" in html and "物3" in html
    assert "物1" not in html and "物4" not in html and "没有东西" not in html
    assert 'href="?status=a&amp;q=x&page=1"' in html and 'href="?status=a&amp;q=x&page=3"' in html
    assert "第 2 / 3 页" in html


def test_the_paged_table_shows_its_empty_row_and_the_filter_errors():
    page = Paginator([], 2).page(1)
    html = _from_string(_TABLE, page=page, query="", filter=_filter({"status": "zzz"}))
    assert '<td colspan="2" class="text-center text-muted py-4">没有东西</td>' in html
    assert 'id="thing-count">共 0 条<' in html and "pagination" not in html
    assert 'id="filter-errors"' in html and "State：" in unescape(html)


def test_the_paged_table_has_defaults_for_a_bare_list():
    html = _from_string('{% extends "portal/_paged_table.html" %}', page=Paginator([], 5).page(1))
    assert 'id="list-count">共 0 条<' in html and "没有符合筛选条件的记录。" in html


# -- the card list ------------------------------------------------------------------------------------
_CARDS = """{% extends "portal/_card_list.html" %}
{% block list_id %}thing-list{% endblock %}
{% block card_class %}{% if item.done %}text-body-secondary{% endif %}{% endblock %}
{% block card_attrs %} id="thing-{{ item.pk }}"{% endblock %}
{% block card %}<a href="/things/{{ item.pk }}/">{{ item.name }}</a>{% endblock %}
{% block actions %}{% if not item.done %}<button class="btn btn-sm" type="button">完成</button>{% endif %}{% endblock %}
{% block empty_id %}no-things{% endblock %}
{% block empty %}没有东西{% endblock %}"""


def test_the_card_list_draws_a_card_per_item_with_its_buttons_and_paging():
    things = [SimpleNamespace(pk=n, name=f"物{n}", done=n == 1) for n in range(3)]
    html = _from_string(_CARDS, page=Paginator(things, 2).page(1), query="kind=x")
    assert '<div class="list-group mb-3" id="thing-list">' in html
    assert html.count('class="list-group-item ') == 2
    assert '<div class="list-group-item text-body-secondary" id="thing-1">' in html
    assert '<div class="list-group-item " id="thing-0">' in html
    assert html.count("完成</button>") == 1  # the done one has no button
    assert '<a href="/things/0/">物0</a>' in html and "物2" not in html
    assert 'href="?kind=x&page=2"' in html and "没有东西" not in html


def test_the_card_list_says_when_it_is_empty():
    html = _from_string(_CARDS, page=Paginator([], 2).page(1))
    assert '<p class="text-muted" id="no-things">没有东西</p>' in html and "list-group" not in html
    bare = _from_string('{% extends "portal/_card_list.html" %}', page=Paginator([], 2).page(1))
    assert 'id="card-list-empty">暂无内容。</p>' in bare


# -- on the pages -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_the_change_report_picks_its_township_and_quarter_and_exports_them(client, world):
    client.force_login(world.bureau)
    html = client.get(f"/enterprises/changes/?township={world.hutang.pk}&quarter=2026Q3").content.decode()
    assert re.search(rf'<option value="{world.hutang.pk}" selected>[^<]* · {world.hutang.name}</option>', html)
    assert '<option value="2026Q3" selected>2026年第3季度</option>' in html
    assert f'href="?township={world.hutang.pk}&amp;quarter=2026Q3&amp;format=xlsx"' in html
    export = client.get(f"/enterprises/changes/?township={world.hutang.pk}&quarter=2026Q3&format=xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
def test_the_inspection_list_keeps_its_enterprise_and_plan_through_the_filter_bar(client, world):
    client.force_login(world.bureau)
    html = client.get(f"/inspections/?enterprise={world.e_hutang.pk}&plan=5&after=2026-01-01&with_hazards=true"
                      ).content.decode()
    form = html[html.index('id="inspection-filters"'):html.index("</form>", html.index('id="inspection-filters"'))]
    assert f'<input type="hidden" name="enterprise" value="{world.e_hutang.pk}">' in form
    assert '<input type="hidden" name="plan" value="5">' in form
    assert 'type="date" name="after" id="id_after" value="2026-01-01"' in form
    assert '<option value="true" selected>' in form
    assert 'id="inspection-count"' in html and 'class="table table-sm table-hover bg-white' in html
