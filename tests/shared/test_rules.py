"""Thresholds as data: the shipped defaults, the nearest-region lookup in one query, versions by
date, and the bureau's page (scope: its region or below; bad values change nothing)."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from portal.rules import services
from portal.rules.models import Threshold
from portal.rules.services import ThresholdMissing, threshold, thresholds_for


D2022 = datetime.date(2022, 1, 1)
D2023 = datetime.date(2023, 1, 1)
MID2022 = datetime.date(2022, 6, 30)


def version(name, value, region=None, effective_from=D2023):
    return services.threshold_create(name=name, region=region, value=Decimal(value), effective_from=effective_from)


@pytest.mark.django_db
def test_defaults_are_shipped_with_their_source():
    rows = {t.name: t for t in Threshold.objects.filter(region=None)}
    expected = {
        "plan_completion_target": ("100", "%"), "risk.overdue_rate_max": ("30", "%"),
        "risk.principal_participation_min": ("60", "%"),
        "assessments.enterprise_score_restart_below": ("60", "points"),
        "standardization.compliant_min": ("60", "points"), "standardization.benchmark_min": ("75", "points"),
        "standardization.grade1_new_min": ("90", "points"), "standardization.grade2_new_min": ("75", "points"),
        "dust.cleaning_upload_target": ("100", "%"), "dust.remind_day": ("1", "days"),
        "dust.urge_day": ("3", "days"), "dust.verify_day": ("7", "days"),
        "risk.model_enterprises_per_township_min": ("2", "enterprises"),
        "agencies.project_sample_min": ("20", "%"), "training.exam_patrol_min": ("50", "%"),
    }
    for name, (value, unit) in expected.items():
        row = rows[name]
        assert (row.value, row.unit, row.effective_from) == (Decimal(value), unit, D2022), name
        assert row.source.startswith("RULES.md §"), name
        assert row.label, name
    assert Threshold.get("risk.overdue_rate_max") == Decimal("30")


def test_nearest_region_wins_in_one_query(world, django_assert_num_queries):
    name = "risk.overdue_rate_max"
    version(name, "25", region=world.wujin, effective_from=D2022)
    version(name, "20", region=world.hutang, effective_from=datetime.date(2022, 7, 1))
    with django_assert_num_queries(1):  # one SELECT over the region's ancestors and the default
        # 湖塘镇 before its own version: Wujin's 25 applies (nearest ancestor), not the default 30.
        assert threshold(name, region=world.hutang, on=MID2022) == Decimal("25")
    assert threshold(name, region=world.hutang, on=datetime.date(2022, 7, 1)) == Decimal("20")
    assert threshold(name, region=world.luoyang, on=datetime.date(2022, 7, 1)) == Decimal("25")  # sibling: Wujin's
    assert threshold(name, region=world.village, on=datetime.date(2022, 7, 1)) == Decimal("20")  # below 湖塘镇
    assert threshold(name, region=world.tianning, on=MID2022) == Decimal("30")  # another district: default
    assert threshold(name, on=MID2022) == Decimal("30")
    assert threshold(name, region=world.city, on=MID2022) == Decimal("30")


def test_a_lower_region_overrides_a_newer_default(world):
    name = "risk.principal_participation_min"
    version(name, "70", region=world.hutang, effective_from=D2022)
    version(name, "65", region=None, effective_from=D2023)
    assert threshold(name, region=world.hutang, on=D2023) == Decimal("70")  # its own, older, still applies
    assert threshold(name, region=world.luoyang, on=D2023) == Decimal("65")
    assert threshold(name, region=world.luoyang, on=MID2022) == Decimal("60")  # the 2022 default


@pytest.mark.django_db
def test_missing_threshold_is_a_clear_lookup_error():
    with pytest.raises(ThresholdMissing) as info:
        threshold("nothing.here")
    assert isinstance(info.value, LookupError) and "nothing.here" in str(info.value)
    with pytest.raises(ThresholdMissing):  # before the defaults take effect
        threshold("risk.overdue_rate_max", on=datetime.date(2021, 12, 31))


def test_thresholds_for_many_regions_is_one_query(world, django_assert_num_queries):
    name = "risk.overdue_rate_max"
    version(name, "20", region=world.hutang, effective_from=D2022)
    version(name, "25", region=world.wujin, effective_from=D2022)
    townships = list(world.wujin.children.all())
    assert len(townships) == 13
    with django_assert_num_queries(1):  # one SELECT of the candidate versions
        values = thresholds_for(name, townships + [world.tianning], on=MID2022)
    assert values[world.hutang.path] == Decimal("20")
    assert values[world.luoyang.path] == Decimal("25")
    assert values[world.tianning.path] == Decimal("30")
    assert len(values) == 14
    with pytest.raises(ThresholdMissing):
        thresholds_for("nothing.here", townships, on=MID2022)


@pytest.mark.django_db
def test_threshold_create_validates():
    before = Threshold.objects.count()
    with pytest.raises(ValidationError) as info:
        version("risk.overdue_rate_max", "101")
    assert "value" in info.value.message_dict
    with pytest.raises(ValidationError):
        version("dust.remind_day", "-1")
    with pytest.raises(ValidationError):
        version("not.known", "1")
    with pytest.raises(ValidationError):
        version("risk.overdue_rate_max", "20", effective_from=D2022)  # the default's date is taken
    with pytest.raises(ValidationError):
        services.threshold_create(name="risk.overdue_rate_max", region=None, value=1, effective_from=None)
    assert Threshold.objects.count() == before
    assert version("dust.remind_day", "150").value == Decimal("150")  # days are not capped at 100


# -- the bureau's page -----------------------------------------------------------------------------
@pytest.fixture
def rules_urls():
    """The pages are mounted at /rules/ by portal/urls.py."""


def login(client, user):
    client.force_login(user)


def test_bureau_lists_and_adds_a_version_for_a_township(client, world, rules_urls):
    login(client, world.bureau)
    response = client.get(reverse("rules:list"))
    assert response.status_code == 200
    assert "risk.overdue_rate_max" in response.content.decode()
    response = client.post(reverse("rules:add"), {
        "name": "risk.overdue_rate_max", "region": world.hutang.pk, "value": "25",
        "effective_from": "2023-01-01", "source": "武应急〔2023〕1号"})
    assert response.status_code == 302
    row = Threshold.objects.get(name="risk.overdue_rate_max", region=world.hutang)
    assert (row.value, row.unit, row.created_by, row.label) == (Decimal("25"), "%", world.bureau, "常安码逾期率上限")
    assert threshold("risk.overdue_rate_max", region=world.hutang, on=D2023) == Decimal("25")


def test_bureau_cannot_add_outside_its_region_or_above_it(client, world, rules_urls):
    login(client, world.bureau)
    before = Threshold.objects.count()
    for region in (world.tianning, world.city):
        response = client.post(reverse("rules:add"), {
            "name": "risk.overdue_rate_max", "region": region.pk, "value": "25", "effective_from": "2023-01-01"})
        assert response.status_code == 200 and response.context["form"].errors["region"]
    response = client.post(reverse("rules:add"), {  # no region: only a superuser sets the default
        "name": "risk.overdue_rate_max", "region": "", "value": "25", "effective_from": "2023-01-01"})
    assert response.context["form"].errors["region"]
    assert Threshold.objects.count() == before


@pytest.mark.parametrize("data, field", [
    ({"value": "120"}, "value"),  # a percentage over 100
    ({"value": "-5"}, "value"),
    ({"effective_from": ""}, "effective_from"),
    ({"name": "not.known"}, "name"),
])
def test_bad_input_changes_nothing(client, world, rules_urls, data, field):
    login(client, world.bureau)
    before = Threshold.objects.count()
    form = {"name": "risk.overdue_rate_max", "region": world.wujin.pk, "value": "25", "effective_from": "2023-01-01",
            **data}
    response = client.post(reverse("rules:add"), form)
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert Threshold.objects.count() == before


def test_other_roles_get_404(client, world, rules_urls):
    for user in (world.inspector, world.principal, world.grid_member, world.admin, world.auditor):
        client.logout()
        login(client, user)
        assert client.get(reverse("rules:list")).status_code == 404, user.role
        assert client.post(reverse("rules:add"), {
            "name": "risk.overdue_rate_max", "region": world.hutang.pk, "value": "1",
            "effective_from": "2023-01-01"}).status_code == 404
    assert not Threshold.objects.filter(region__isnull=False).exists()


def test_superuser_may_add_a_new_default(client, world, rules_urls):
    login(client, world.superuser)
    response = client.post(reverse("rules:add"), {
        "name": "risk.overdue_rate_max", "region": "", "value": "28", "effective_from": "2024-01-01"})
    assert response.status_code == 302
    assert threshold("risk.overdue_rate_max", on=datetime.date(2024, 1, 1)) == Decimal("28")


# -- corrections against the seeds (issue 8 §8) ------------------------------------------------------
def _migration(name):
    import importlib
    return importlib.import_module(f"portal.rules.migrations.{name}")


@pytest.mark.django_db
def test_the_overdue_threshold_is_labelled_with_the_changan_code_as_the_seeds_write_it():
    """常安码 (seeds 000 item 2 and 001), not 长安码: the shipped default, and the rows of a database
    migrated before the correction (a bureau's version copies the default's label)."""
    from django.apps import apps
    assert Threshold.objects.get(name="risk.overdue_rate_max", region=None).label == "常安码逾期率上限"
    Threshold.objects.filter(name="risk.overdue_rate_max").update(label="长安码逾期率上限")
    version("risk.overdue_rate_max", "25")  # copies the old label, as on a database not yet migrated
    assert Threshold.objects.filter(label="长安码逾期率上限").count() == 2
    _migration("0003_changan_code_label").correct(apps, None)
    assert not Threshold.objects.filter(label__contains="长安码").exists()
    assert Threshold.objects.filter(name="risk.overdue_rate_max", label="常安码逾期率上限").count() == 2


@pytest.mark.django_db
def test_the_plan_completion_target_is_credited_to_seed_002_item_5():
    """执法计划 … 确保完成率达到100% is seed 002 item 5, not seed 000's dust coverage: the shipped default,
    and the row of a database migrated before the correction."""
    from django.apps import apps
    row = Threshold.objects.get(name="plan_completion_target", region=None)
    assert "[002 item 5]" in row.source and "dust" not in row.source and "[000]" not in row.source
    assert row.value == Decimal("100")
    migration = _migration("0004_plan_completion_source")
    Threshold.objects.filter(pk=row.pk).update(source=migration.OLD)
    migration.correct(apps, None)
    row.refresh_from_db()
    assert row.source == migration.NEW and "[002 item 5]" in row.source
