"""Scoring (issue 12 item 2) and what the forms check (item 3): a township scores an enterprise
and itself, the district scores the township; under the pass mark the enterprise is flagged and
told; bad input changes nothing; plans filed, returned, approved and spot-checked by recorded
sampling; a random check's finding lowers a unit's quarterly score with its reason."""
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
import pytest

from portal.assessments import services_rubrics as services
from portal.assessments.models import Deduction, RectificationPlan, RubricForm, Score, ScoreItem
from portal.attachments.models import Attachment
from portal.figures.periods import Period
from portal.notifications.models import Notification
from portal.sampling.services import sample_replay
from tests.assessments.rubrics_helpers import fill_unit_form, points_for
from tests.factories import jpeg

pytestmark = pytest.mark.django_db
OCTOBER, NOVEMBER, Q3 = Period.month(2026, 10), Period.month(2026, 11), Period.quarter(2026, 3)


def pdf(name="plan.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", content_type="application/pdf")


def text(name="evidence.pdf"):
    return SimpleUploadedFile(name, b"just some words, not a PDF", content_type="application/pdf")


@pytest.fixture
def enterprise_form():
    return services.form_current(RubricForm.Kind.ENTERPRISE)


@pytest.fixture
def unit_form(world):
    return fill_unit_form(by=world.bureau)


def test_a_township_scores_an_enterprise_and_itself_and_the_district_scores_the_township(
        world, enterprise_form, unit_form):
    score = services.score_enterprise(enterprise=world.e_hutang, period=OCTOBER, by=world.inspector,
                                      points=points_for(enterprise_form, 82), evidence={1: [pdf()], 7: [jpeg()]},
                                      notes={1: "方案已审核"})
    assert (score.kind, score.region, score.assessor, score.period) == ("enterprise", world.hutang, world.hutang,
                                                                        "2026-10")
    assert score.total == 82 and score.items_total == 82 and not score.flagged and score.threshold == 60
    assert score.lines.count() == 12 and score.lines.get(item__number=1).note == "方案已审核"
    assert Attachment.objects.filter(object_id__in=score.lines.values("pk")).count() == 2

    own = services.score_unit(region=world.hutang, kind="self", period=OCTOBER, by=world.inspector,
                              points=points_for(unit_form, 91))
    assert (own.kind, own.assessor, own.total) == ("self", world.hutang, 91)

    quarterly = services.score_unit(region=world.hutang, kind="quarterly", period=Q3, by=world.bureau,
                                    points=points_for(unit_form, 77))
    assert (quarterly.kind, quarterly.assessor, quarterly.period, quarterly.total) == (
        "quarterly", world.wujin, "2026Q3", 77)
    # the city scores its districts the same way, one level up
    district = services.score_unit(region=world.wujin, kind="quarterly", period=Q3, by=world.city_staff,
                                   points=points_for(unit_form, 95))
    assert district.assessor == world.city

    # re-scoring the same month replaces the lines and keeps the evidence of the items kept
    again = services.score_enterprise(enterprise=world.e_hutang, period=OCTOBER, by=world.inspector,
                                      points=points_for(enterprise_form, 85))
    assert again.pk == score.pk and again.total == 85 and Score.objects.filter(kind="enterprise").count() == 1
    assert Attachment.objects.filter(object_id__in=again.lines.values("pk")).count() == 2


def test_who_scores_whom(world, enterprise_form, unit_form):
    points = points_for(unit_form, 80)
    with pytest.raises(PermissionDenied):  # a township does not score itself quarterly
        services.score_unit(region=world.hutang, kind="quarterly", period=Q3, by=world.inspector, points=points)
    with pytest.raises(PermissionDenied):  # nor another township
        services.score_unit(region=world.luoyang, kind="self", period=OCTOBER, by=world.inspector, points=points)
    with pytest.raises(PermissionDenied):  # the city scores districts, not townships
        services.score_unit(region=world.hutang, kind="quarterly", period=Q3, by=world.city_staff, points=points)
    with pytest.raises(PermissionDenied):
        services.score_enterprise(enterprise=world.e_luoyang, period=OCTOBER, by=world.inspector,
                                  points=points_for(enterprise_form, 80))
    with pytest.raises(PermissionDenied):
        services.score_enterprise(enterprise=world.e_hutang, period=OCTOBER, by=world.principal,
                                  points=points_for(enterprise_form, 80))
    with pytest.raises(ValidationError):  # a self-score is monthly, a quarterly score quarterly
        services.score_unit(region=world.hutang, kind="self", period=Q3, by=world.inspector, points=points)
    assert not Score.objects.exists()


def test_under_the_pass_mark_the_enterprise_starts_over_and_is_told(world, enterprise_form):
    score = services.score_enterprise(enterprise=world.e_hutang, period=OCTOBER, by=world.inspector,
                                      points=points_for(enterprise_form, "59.5"))
    assert score.flagged and score.total == Decimal("59.5")
    told = Notification.objects.filter(kind="assessments.enterprise_flagged")
    assert set(told.values_list("user__username", flat=True)) == {"principal", "hutang"}  # not the staff
    assert list(services.flagged_enterprises(world.inspector)) == [score]
    assert list(services.flagged_enterprises(world.luoyang_inspector)) == []
    # scoring the month again under the mark tells nobody twice; at 60 the flag goes
    services.score_enterprise(enterprise=world.e_hutang, period=OCTOBER, by=world.inspector,
                              points=points_for(enterprise_form, 40))
    assert told.count() == 2
    fixed = services.score_enterprise(enterprise=world.e_hutang, period=OCTOBER, by=world.inspector,
                                      points=points_for(enterprise_form, 60))
    assert not fixed.flagged and list(services.flagged_enterprises(world.inspector)) == []


@pytest.mark.parametrize("change, field", [
    ({1: "10.5"}, "items.1"),   # above the item's 10 points
    ({2: "-1"}, "items.2"),     # below zero
    ({3: "十"}, "items.3"),     # not a number
    ({4: ""}, "items.4"),       # missing
])
def test_bad_scores_change_nothing(world, enterprise_form, change, field):
    points = {**points_for(enterprise_form, 80), **change}
    with pytest.raises(ValidationError) as error:
        services.score_enterprise(enterprise=world.e_hutang, period=OCTOBER, by=world.inspector, points=points,
                                  evidence={5: [jpeg()]})
    assert list(error.value.message_dict) == [field]
    assert not Score.objects.exists() and not ScoreItem.objects.exists() and not Attachment.objects.exists()


def test_evidence_of_the_wrong_type_changes_nothing(world, enterprise_form):
    before = services.score_enterprise(enterprise=world.e_hutang, period=OCTOBER, by=world.inspector,
                                       points=points_for(enterprise_form, 80))
    with pytest.raises(ValidationError) as error:
        services.score_enterprise(enterprise=world.e_hutang, period=OCTOBER, by=world.inspector,
                                  points=points_for(enterprise_form, 50), evidence={1: [pdf()], 2: [text()]})
    assert list(error.value.message_dict) == ["items.2"] and "evidence.pdf" in error.value.message_dict["items.2"][0]
    before.refresh_from_db()
    assert before.total == 80 and not before.flagged and not Attachment.objects.exists()
    assert not Notification.objects.exists()


def test_plans_filed_returned_filed_again_and_approved(world):
    plan = services.plan_file(enterprise=world.e_hutang, by=world.principal, title="2026年专项整治方案",
                              summary="目标与措施", files=[pdf()])
    assert (plan.state, plan.township, plan.year) == ("submitted", world.hutang, 2026)
    with pytest.raises(ValidationError):  # filed already
        services.plan_file(enterprise=world.e_hutang, by=world.principal, title="又一份", files=[pdf()])
    with pytest.raises(PermissionDenied):
        services.plan_file(enterprise=world.e_hutang, by=world.staff, title="x", files=[pdf()])
    with pytest.raises(PermissionDenied):  # another township does not review it
        services.plan_review(plan=plan, by=world.luoyang_inspector, approve=True)
    with pytest.raises(ValidationError) as error:  # returning needs reasons
        services.plan_review(plan=plan, by=world.inspector, approve=False, reason=" ")
    assert list(error.value.message_dict) == ["reason"]
    returned = services.plan_review(plan=plan, by=world.inspector, approve=False, reason="风险管控措施不具体")
    assert (returned.state, returned.times_returned, returned.review_reason) == ("returned", 1, "风险管控措施不具体")
    with pytest.raises(ValidationError):  # a text file is not a plan
        services.plan_file(enterprise=world.e_hutang, by=world.principal, title="修改后的方案", files=[text()])
    assert RectificationPlan.objects.get().state == "returned"
    again = services.plan_file(enterprise=world.e_hutang, by=world.principal, title="修改后的方案", files=[pdf()])
    assert again.pk == plan.pk and again.state == "submitted"
    approved = services.plan_review(plan=again, by=world.inspector, approve=True)
    assert approved.state == "approved" and Attachment.objects.filter(object_id=plan.pk).count() == 2


def test_the_district_spot_checks_the_townships_reviews_by_recorded_sampling(world):
    plans = []
    for enterprise, township_user in ((world.e_hutang, world.inspector), (world.e_hutang2, world.inspector),
                                      (world.e_luoyang, world.luoyang_inspector)):
        plan = services.plan_file(enterprise=enterprise, by=None, title="方案", files=[pdf()])
        plans.append(services.plan_review(plan=plan, by=township_user, approve=True))
    services.plan_file(enterprise=world.e_hutang2, by=None, title="x", files=[pdf()], year=2025)  # not reviewed
    check = services.review_spot_check(region=world.wujin, by=world.bureau, period=Q3, n=2, seed=7)
    sample = check.plan_sample
    assert sample.population_size == 3 and sample.drawn_size == 2 and sample_replay(sample) == sample.drawn_ids
    assert set(sample.drawn_ids) <= {p.pk for p in plans}
    with pytest.raises(PermissionDenied):
        services.review_spot_check(region=world.wujin, by=world.inspector, period=Q3, n=1)
    drawn = services.drawn(check)["plans"]
    finding = services.finding_record(check=check, by=world.bureau, unit=drawn[0].township,
                                      text="审核意见过于简单", plan=drawn[0])
    assert finding.deductions.count() == 0


def test_a_random_check_s_finding_lowers_the_unit_s_quarterly_score_with_its_reason(world, unit_form):
    score = services.score_unit(region=world.hutang, kind="quarterly", period=Q3, by=world.bureau,
                                points=points_for(unit_form, 90))
    check = services.random_check_draw(region=world.wujin, by=world.bureau, period=Q3, enterprises=2, units=2,
                                       seed=2026)
    assert check.enterprise_sample.population_size == 3 and check.enterprise_sample.drawn_size == 2
    assert check.unit_sample.population_size == 13 and check.unit_sample.drawn_size == 2
    assert sample_replay(check.unit_sample) == check.unit_sample.drawn_ids
    finding = services.finding_record(check=check, by=world.bureau, unit=world.hutang, enterprise=world.e_hutang,
                                      text="企业“一图两单四清单”未建立", item_number=7, points="4")
    score.refresh_from_db()
    assert (score.items_total, score.deducted, score.total) == (90, 4, 86)
    deduction = Deduction.objects.get()
    assert (deduction.item.number, deduction.points, deduction.reason, deduction.finding) == (
        7, 4, "企业“一图两单四清单”未建立", finding)
    # re-scoring the quarter keeps the deduction
    services.score_unit(region=world.hutang, kind="quarterly", period=Q3, by=world.bureau,
                        points=points_for(unit_form, 80))
    score.refresh_from_db()
    assert score.total == 76
    # bad findings: more than the item's points, no score for the unit yet, no text
    for kwargs in ({"unit": world.hutang, "item_number": 7, "points": "16"},
                   {"unit": world.luoyang, "item_number": 7, "points": "1"},
                   {"unit": world.hutang, "text": ""}):
        with pytest.raises(ValidationError):
            services.finding_record(check=check, by=world.bureau, **{"text": "x", **kwargs})
    assert check.findings.count() == 1 and Deduction.objects.count() == 1
    with pytest.raises(PermissionDenied):
        services.finding_record(check=check, by=world.inspector, unit=world.hutang, text="x")
