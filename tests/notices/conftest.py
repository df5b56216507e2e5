"""The notices' world: the hand-built city of tests/risk_reports/test_figures_city.py (测试市: 甲区 with
甲一镇, 甲二镇, 甲三镇; 乙区 with 乙一镇, 乙二镇) frozen for 2026 Q3, and the people a notice reaches
or does not."""
import datetime

import pytest

from grid.models import Region
from portal.assessments import services as snapshots
from tests.enterprises.factories import make_enterprise_user
from tests.factories import GridCellFactory, RegionFactory, UserFactory
from tests.risk_reports.test_figures_city import Q3, city  # noqa: F401  (the hand-built city)

TODAY = datetime.date(2026, 11, 16)  # the pinned clock's day


@pytest.fixture
def frozen(city, django_capture_on_commit_callbacks):  # noqa: F811
    """The city's 2026 Q3 snapshot, current."""
    with django_capture_on_commit_callbacks(execute=True):
        snapshot = snapshots.snapshot_request(region=city.city, period=Q3, by=None, today=TODAY)
    snapshot.refresh_from_db()
    return snapshot


class People:
    pass


@pytest.fixture
def people(city):  # noqa: F811
    """The city's bureau issues; the districts' bureaus, a township inspector of each district and a
    grid member of 甲一镇 read; an enterprise user, an inactive inspector and another city's bureau
    are nobody's readers."""
    p = People()
    p.city_bureau = UserFactory(username="city_bureau", role="bureau_staff", region=city.city)
    p.a_bureau = UserFactory(username="a_bureau", role="bureau_staff", region=city.a)
    p.b_bureau = UserFactory(username="b_bureau", role="bureau_staff", region=city.b)
    p.a1_inspector = UserFactory(username="a1_inspector", role="township_inspector", region=city.a1)
    p.b2_inspector = UserFactory(username="b2_inspector", role="township_inspector", region=city.b2)
    village = RegionFactory(name="甲一村", level=Region.Level.VILLAGE, parent=city.a1)
    p.grid = UserFactory(username="a1_grid", role="grid_member", cells=[GridCellFactory(name="甲一网格", region=village)])
    p.enterprise_user = make_enterprise_user(city.a3y, "principal", username="a3y_boss")
    p.inactive = UserFactory(username="gone", role="township_inspector", region=city.a2, is_active=False)
    other_city = RegionFactory(name="别市", level=Region.Level.CITY, parent=None)
    p.other_city = UserFactory(username="other_city", role="bureau_staff", region=other_city)
    return p


FINDING_SENTENCE = "乙区、甲区风险逾期率超过30%，分别为68.75%、37.5%。"


@pytest.fixture
def finding(monkeypatch):
    """One finding of the problem rules (the rules land separately; ``problems_for`` returns [] until
    then), so the problems section is not empty."""
    from portal.assessments import problems

    def problems_for(table):
        return [problems.Finding(rule=None, title="风险逾期率超过30%", sentence=FINDING_SENTENCE, units=[])]

    monkeypatch.setattr(problems, "problems_for", problems_for)


NEXT_STEP = "（一）围绕“质效”抓提升。各区要对风险逾期率超过30%的企业加大检查力度，督促企业定期扫码。"


def draft(frozen, by, **kwargs):
    from portal.notices import services

    return services.notice_draft(snapshot=frozen, by=by, **{"number_prefix": "常应急函", **kwargs})


def written(notice, by):
    """The draft with its next steps written (ready to publish)."""
    from portal.notices import services

    return services.notice_update(notice=notice, by=by, next_steps=[NEXT_STEP])


def publish(notice, by, capture):
    """Publish, running what waits for the commit (the messages' dispatch, the render job)."""
    from portal.notices import services

    with capture(execute=True):
        notice = services.notice_publish(notice=notice, by=by)
    notice.refresh_from_db()
    return notice


@pytest.fixture
def quick_render(monkeypatch):
    """The render job without WeasyPrint and python-docx (tests/notices/test_rendering.py renders for real)."""
    from portal.notices import documents, services

    def render_files(notice, progress=None):
        return b"%PDF-1.7 test", b"PK docx test"

    monkeypatch.setattr(documents, "render_files", render_files)
    monkeypatch.setattr(services, "render_files", render_files)
