"""Recorded random sampling: the draw is seeded, stored and replayable."""
import pytest
from django.core.exceptions import ValidationError

from enterprises.models import Enterprise
from portal.accounts import scope
from portal.sampling.models import Sample
from portal.sampling.services import sample_draw, sample_replay

from tests.enterprises.factories import make_enterprise


@pytest.fixture
def seventeen(world):
    # 3 world enterprises + 14 more in 湖塘镇 -> 17 in the whole roster
    for _ in range(14):
        make_enterprise(township=world.hutang)
    return Enterprise.objects.all()


def test_percent_rounds_up(world, seventeen):
    sample = sample_draw(queryset=seventeen, title="季度随机抽查", by=world.bureau, percent=20, region=world.wujin)
    # 20 % of 17 = 3.4 -> 4
    assert sample.population_size == 17
    assert sample.drawn_size == 4
    assert len(set(sample.drawn_ids)) == 4
    assert set(sample.drawn_ids) <= set(sample.population_ids)
    assert sample.population_ids == sorted(seventeen.values_list("pk", flat=True))


def test_n_of_five_and_replay(world):
    for _ in range(2):
        make_enterprise(township=world.hutang)
    population = Enterprise.objects.all()  # 3 + 2 = 5
    sample = sample_draw(queryset=population, title="抽查", by=world.bureau, n=3)
    assert (sample.population_size, sample.drawn_size, sample.n, sample.percent) == (5, 3, 3, None)
    stored = Sample.objects.get(pk=sample.pk)
    assert sample_replay(stored) == stored.drawn_ids
    assert 0 <= int(stored.seed) < 2 ** 64


def test_same_seed_same_draw_different_seed_differs(world, seventeen):
    a = sample_draw(queryset=seventeen, title="a", by=world.bureau, n=8, seed=12345)
    b = sample_draw(queryset=seventeen, title="b", by=world.bureau, n=8, seed=12345)
    c = sample_draw(queryset=seventeen, title="c", by=world.bureau, n=8, seed=2 ** 64 - 1)
    assert a.drawn_ids == b.drawn_ids
    # 8 of 17 in draw order: two seeds agree with probability 1 / (17!/9!) -- practically never
    assert a.drawn_ids != c.drawn_ids
    assert sample_replay(Sample.objects.get(pk=c.pk)) == c.drawn_ids


def test_stored_population_is_what_the_queryset_held(world):
    population = Enterprise.objects.filter(township=world.hutang)  # e_hutang, e_hutang2
    sample = sample_draw(queryset=population, title="湖塘抽查", by=world.inspector, n=1, seed=7)
    make_enterprise(township=world.hutang)
    stored = Sample.objects.get(pk=sample.pk)
    assert stored.population_ids == sorted([world.e_hutang.pk, world.e_hutang2.pk])
    assert sample_replay(stored) == stored.drawn_ids


@pytest.mark.parametrize("kwargs, message", [
    ({"n": 4}, "无法从 3 个对象中抽取 4 个"),
    ({"n": 2, "percent": 10}, "二者只能填其一"),
    ({}, "二者只能填其一"),
    ({"percent": 0}, "1 至 100 的整数"),
    ({"percent": 101}, "1 至 100 的整数"),
    ({"n": 0}, "至少为 1"),
])
def test_bad_requests_are_refused_and_nothing_stored(world, kwargs, message):
    with pytest.raises(ValidationError) as error:
        sample_draw(queryset=Enterprise.objects.all(), title="抽查", by=world.bureau, **kwargs)
    assert message in " ".join(error.value.messages)
    assert not Sample.objects.exists()


def test_samples_are_scoped_by_the_drawing_unit(world):
    hutang = sample_draw(queryset=scope.visible(world.inspector, Enterprise.objects.all()), title="湖塘",
                         by=world.inspector, n=1, region=world.hutang,
                         filters={"params": {}, "description": "湖塘镇全部企业"})
    luoyang = sample_draw(queryset=scope.visible(world.luoyang_inspector, Enterprise.objects.all()), title="洛阳",
                          by=world.luoyang_inspector, n=1, region=world.luoyang)
    assert hutang.population_ids == sorted([world.e_hutang.pk, world.e_hutang2.pk])
    assert list(scope.visible(world.inspector, Sample.objects.all())) == [hutang]
    assert set(scope.visible(world.bureau, Sample.objects.all())) == {hutang, luoyang}
    assert not scope.visible(world.principal, Sample.objects.all()).exists()
