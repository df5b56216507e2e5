"""The demo's risk reports and dust cleaning (risk_reports/demo_dust_reports.py, issue 11 "Demo"):
reports in every state and enterprises that never reported, model enterprises, dust sites with
missed days at every escalation step and an open verification, a repeated photo and one flagged for
its time, a recorded spot-check, the holiday duty roster — and rows the services could have written
(a report's items are its enterprise's points live the day it was submitted; the escalations are
those the nightly job would have written, so running it again for yesterday writes nothing).

One demo of 200 enterprises on the pinned clock, built once for the module."""
import datetime
from io import StringIO

from django.core.management import call_command
from django.db import connection, transaction
from django.db.models import Count, F, Q
from django.utils import timezone
import pytest
import time_machine

from enterprises.models import Enterprise, Status
from grid.models import Region
from portal.sampling.models import Sample
from risk_reports.models import (DustEscalation, DustSite, DustUpload, DutyRoster, EscalationStep, FlagReason,
                                 ModelEnterprise, ReportKind, ReportState, RiskPoint, RiskReport)
from risk_reports.services.dust import dust_escalate
from tests.conftest import PINNED_NOW

DAY = datetime.timedelta(days=1)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), time_machine.travel(PINNED_NOW, tick=True), transaction.atomic():
        out = StringIO()
        call_command("demo_data", enterprises=200, seed=1, stdout=out)
        connection.check_constraints()
        yield out.getvalue()
        transaction.set_rollback(True)


pytestmark = [pytest.mark.usefixtures("demo"), pytest.mark.django_db]


def test_reports_in_every_state_and_enterprises_that_never_reported(demo):
    assert "risk reports" in demo and "key dust sites" in demo
    states = set(RiskReport.objects.values_list("state", flat=True))
    assert states == set(ReportState.values)
    assert set(RiskReport.objects.values_list("kind", flat=True)) >= {ReportKind.PERIODIC, ReportKind.CHANGE}
    hutang = Region.objects.get(name="湖塘镇")
    assert set(RiskReport.objects.filter(enterprise__township=hutang).values_list("state", flat=True)) == states
    year = RiskReport.objects.filter(kind=ReportKind.PERIODIC).values_list("year", flat=True).first()
    never = (Enterprise.objects.filter(status=Status.PRODUCING, risk_points__isnull=False).distinct()
             .exclude(risk_reports__kind=ReportKind.PERIODIC, risk_reports__year=year))
    assert never.filter(township=hutang).exists()
    # returned ones say why; drafts hold no frozen items, sent ones hold their points of that day
    assert not RiskReport.objects.filter(state=ReportState.RETURNED, return_reason="").exists()
    assert not RiskReport.objects.filter(state=ReportState.DRAFT, items__isnull=False).exists()
    for report in RiskReport.objects.exclude(state=ReportState.DRAFT).order_by("pk")[:40]:
        day = timezone.localtime(report.submitted_at).date()
        live = RiskPoint.objects.filter(Q(retired_on__isnull=True) | Q(retired_on__gt=day),
                                        enterprise=report.enterprise_id, created_on__lte=day)
        assert set(report.items.values_list("point", flat=True)) == set(live.values_list("pk", flat=True)), report
        assert report.township_id == report.enterprise.township_id
    assert not RiskReport.objects.filter(accepted_at__lt=F("submitted_at")).exists()
    assert not RiskReport.objects.filter(submitted_at__gt=timezone.now()).exists()


def test_model_enterprises_two_a_township_one_short(demo):
    per = dict(ModelEnterprise.objects.values_list("township").annotate(n=Count("pk")))
    assert sum(1 for n in per.values() if n < 2) >= 1 and sum(1 for n in per.values() if n >= 2) >= 9
    assert not ModelEnterprise.objects.exclude(enterprise__risk_reports__state=ReportState.ACCEPTED).exists()


def test_dust_sites_with_every_escalation_step_and_an_open_verification(demo):
    today = timezone.localdate()
    yesterday = today - DAY
    assert DustSite.objects.count() >= 20
    assert not DustSite.objects.exclude(enterprise__key_domains__code="dust").exists()
    hutang = Region.objects.get(name="湖塘镇")
    recent = DustEscalation.objects.filter(township=hutang, sent_on=yesterday)
    assert set(recent.values_list("step", flat=True)) >= {EscalationStep.REMIND, EscalationStep.URGE}
    verify = DustEscalation.objects.filter(township=hutang, step=EscalationStep.VERIFY)
    assert verify.filter(closed_at__isnull=True).exists()
    assert verify.filter(closed_at__isnull=False).exclude(finding="").exists()
    # each step once per gap, and what the nightly job would have written: a rerun sends nothing
    assert not DustEscalation.objects.values("site", "gap_start", "step").annotate(n=Count("pk")).filter(n__gt=1)
    assert dust_escalate(day=yesterday) == {1: 0, 3: 0, 7: 0}
    # the photos: a counting one a site-day at most, the upload rate under 100 % but not far
    assert DustUpload.objects.count() > 20 * DustSite.objects.count()


def test_flagged_photos_a_sample_and_the_duty_roster(demo):
    hutang = Region.objects.get(name="湖塘镇")
    mine = DustUpload.objects.filter(township=hutang)
    repeat = mine.get(flag_reason=FlagReason.REPEAT, reviewed_at__isnull=True)
    assert repeat.repeats.phash == repeat.phash and repeat.repeats.enterprise_id == repeat.enterprise_id
    assert repeat.repeats.day < repeat.day
    assert mine.filter(flag_reason=FlagReason.OTHER_DAY, reviewed_at__isnull=True).exists()
    sent_back = mine.get(sent_back_at__isnull=False)
    assert sent_back.sent_back_reason and mine.filter(site=sent_back.site, day=sent_back.day,
                                                      sent_back_at__isnull=True).exists()
    assert mine.filter(photo__isnull=False).exists()  # the last week's photos have a picture
    sample = Sample.objects.get(content_type__model="dustupload")
    assert sample.drawn_size == 10 and set(sample.drawn_ids) <= set(mine.values_list("pk", flat=True))
    rosters = DutyRoster.objects.all()
    assert rosters.filter(starts_on__month=10, starts_on__day=1).exists()
    assert rosters.filter(starts_on__month=1, starts_on__day=1).exists()
    assert not rosters.exclude(enterprise__key_domains__code="dust").exists()
