"""The two assessments' demo (issue 12, "Demo"): two quarters of scores, a few plans returned, a
random check with findings (one lowering a township's quarterly score), and the quarter's
snapshot holding the rubric figures."""
from io import StringIO

from django.core.management import call_command
from django.utils import timezone
import pytest

from portal import demo as portal_demo
from portal.assessments.models import Deduction, Finding, RandomCheck, RectificationPlan, Score, SnapshotValue
from portal.figures.periods import Period

pytestmark = pytest.mark.django_db


def test_the_demo_scores_two_quarters_returns_plans_and_checks(settings, monkeypatch):
    portal_demo.generators()
    monkeypatch.delitem(portal_demo._generators, "risk_reports")
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("demo_data", enterprises=80, seed=3, stdout=StringIO())
    last = Period.containing(timezone.localdate()).previous()
    quarterly = Score.objects.filter(kind="quarterly")
    assert set(quarterly.values_list("period", flat=True)) == {str(last.previous()), str(last)}
    assert Score.objects.filter(kind="self").exists() and Score.objects.filter(kind="enterprise").exists()
    assert RectificationPlan.objects.filter(state="returned").exclude(review_reason="").exists()
    assert RandomCheck.objects.filter(kind="quarterly").exists() and Finding.objects.count() >= 2
    deduction = Deduction.objects.select_related("score").first()
    assert deduction is not None and deduction.score.total == max(0, deduction.score.items_total
                                                                  - deduction.score.deducted)
    stored = SnapshotValue.objects.filter(figure="assessments.unit_score", snapshot__period=str(last),
                                          value__isnull=False)
    assert stored.exists()
