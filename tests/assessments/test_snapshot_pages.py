"""The snapshot pages: a district bureau computes its quarter with the button, follows its progress,
reads the frozen figures; another district's bureau gets 404, a township inspector has no page."""
import pytest
from django.urls import reverse

from portal.assessments.models import Snapshot
from tests.factories import UserFactory
from tests.risk_reports.test_figures_city import Q3, city  # noqa: F401  (the hand-built city)

pytestmark = pytest.mark.django_db


def test_a_bureau_computes_its_quarter_and_reads_it(client, city, django_capture_on_commit_callbacks):  # noqa: F811
    bureau = UserFactory(role="bureau_staff", region=city.a)
    client.force_login(bureau)
    page = client.get(reverse("assessments:snapshot_list"))
    assert page.status_code == 200 and "计算季度数据" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("assessments:snapshot_list"), {"region": city.a.pk, "quarter": str(Q3)})
    snapshot = Snapshot.objects.get(region=city.a, period="2026Q3")
    assert response.status_code == 302 and response["Location"] == reverse("assessments:snapshot_detail",
                                                                             args=[snapshot.pk])
    assert snapshot.state == Snapshot.State.CURRENT and snapshot.requested_by == bureau
    detail = client.get(response["Location"]).content.decode()
    assert "甲一镇" in detail and "31.82" in detail and "7/22" in detail
    status = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert 'data-state="current"' in status and "hx-get" not in status
    listing = client.get(reverse("assessments:snapshot_list")).content.decode()
    assert "2026Q3" in listing and "现行" in listing

    # another district's bureau: 404 on the snapshot and on the region; a township inspector: no page
    other = UserFactory(role="bureau_staff", region=city.b)
    client.force_login(other)
    assert client.get(reverse("assessments:snapshot_detail", args=[snapshot.pk])).status_code == 404
    assert client.get(reverse("assessments:snapshot_list"), {"region": city.a.pk}).status_code == 404
    client.force_login(UserFactory(role="township_inspector", region=city.a1))
    assert client.get(reverse("assessments:snapshot_list")).status_code == 404
    assert client.get(reverse("assessments:snapshot_detail", args=[snapshot.pk])).status_code == 404


def test_a_quarter_not_started_is_refused_with_a_message(client, city):  # noqa: F811
    client.force_login(UserFactory(role="bureau_staff", region=city.a))
    response = client.post(reverse("assessments:snapshot_list"), {"region": city.a.pk, "quarter": "2027Q2"},
                           follow=True)
    assert "尚未开始" in response.content.decode()
    assert not Snapshot.objects.exists()


def test_the_api_requests_a_snapshot_and_reads_its_values(client, city, django_capture_on_commit_callbacks):  # noqa: F811
    bureau = UserFactory(role="bureau_staff", region=city.a)
    client.force_login(bureau)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/api/v1/snapshots/", {"region": city.a.pk, "period": "2026Q3"},
                               content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["state"] == "building" and body["region_name"] == "甲区"  # answered before the parts ran
    snapshot = Snapshot.objects.get(pk=body["id"])
    assert snapshot.state == Snapshot.State.CURRENT
    detail = client.get(f"/api/v1/snapshots/{snapshot.pk}/").json()
    assert detail["state"] == "current" and detail["progress"] == 100
    values = client.get(f"/api/v1/snapshots/{snapshot.pk}/values/", {"figure": "risk.overdue_rate",
                                                                      "parent": city.a.pk}).json()["results"]
    assert {(v["region_name"], v["numerator"], v["denominator"], v["rank"]) for v in values} == {
        ("甲一镇", "7.0000", "22.0000", 2), ("甲二镇", "6.0000", "11.0000", 3), ("甲三镇", "2.0000", "7.0000", 1)}
    figures = {f["name"]: f for f in client.get("/api/v1/figures/").json()}
    assert figures["risk.overdue_rate"]["threshold"] == "risk.overdue_rate_max"

    # bad input: the period, a region out of scope (404), a period not started; nothing created
    assert client.post("/api/v1/snapshots/", {"region": city.a.pk, "period": "下季度"},
                       content_type="application/json").status_code == 400
    assert client.post("/api/v1/snapshots/", {"region": city.b.pk, "period": "2026Q3"},
                       content_type="application/json").status_code == 404
    refused = client.post("/api/v1/snapshots/", {"region": city.a.pk, "period": "2027Q1"},
                          content_type="application/json")
    assert refused.status_code == 400 and "尚未开始" in refused.json()["detail"]
    assert Snapshot.objects.count() == 1
    client.force_login(UserFactory(role="bureau_staff", region=city.b))
    assert client.get(f"/api/v1/snapshots/{snapshot.pk}/").status_code == 404
    assert client.get("/api/v1/snapshots/").json()["count"] == 0
