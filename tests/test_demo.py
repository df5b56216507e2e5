"""The demo data command: a small roster whose facts can be checked by hand, the accounts it prints,
``--if-empty``, and one smoke run on SQLite (the embedded default ``make demo`` uses)."""
from io import StringIO
import os
from pathlib import Path
import subprocess
import sys
import textwrap

from django.core.management import call_command
from django.db.models import Count, Q
from django.test import Client
from django.utils import timezone
import pytest

from enterprises.models import Enterprise, EnterpriseChange, EnterpriseMembership, Status, state_on
from enterprises.validators import validate_credit_code
from grid.models import GridCell, Region
from portal.accounts.models import User
from portal.figures.periods import Period
from portal import demo as portal_demo

ROOT = Path(__file__).resolve().parent.parent
USERNAMES = ["bureau", "city", "hutang", "grid", "auditor", "admin", "root", "qiye"]


def _passwords(output):
    """username -> password from the printed account table (the password is the last column)."""
    out = {}
    for line in output.splitlines():
        parts = line.split()
        if parts and parts[0] in USERNAMES and len(parts) >= 3:
            out[parts[0]] = parts[-1]
    return out


def _signs_in(client, username, password):
    """Through the portal's own sign-in page (django-axes wants the request)."""
    response = client.post("/accounts/login/", {"username": username, "password": password})
    return response.status_code == 302 and client.session.get("_auth_user_id") is not None


@pytest.fixture
def demo(db, settings, monkeypatch):
    # the risk generator's rows are tested in tests/risk_reports/test_demo_risk.py (built once per
    # module there) and in test_demo_dates; these tests count the rows of the apps to its left
    portal_demo.generators()  # discovers every app's demo module, so the risk one is registered to remove
    monkeypatch.delitem(portal_demo._generators, "risk_reports")
    # A fast hasher: the accounts' sign-in is what is tested, not PBKDF2's cost (8 accounts per run).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    out = StringIO()
    call_command("demo_data", enterprises=200, seed=1, stdout=out)
    return out.getvalue()


def test_demo_roster_facts(demo):
    enterprises = Enterprise.objects.all()
    assert enterprises.count() == 200
    for code in enterprises.values_list("credit_code", flat=True):
        validate_credit_code(code)  # raises on a bad check character
    assert enterprises.values("credit_code").distinct().count() == 200
    assert enterprises.values("name").distinct().count() == 200
    # --districts 1: every enterprise in Wujin, spread over all 13 of its townships
    wujin = Region.objects.get(code="320412")
    assert set(enterprises.values_list("township__parent", flat=True)) == {wujin.pk}
    assert enterprises.values("township").distinct().count() == 13
    # every enterprise has exactly one registered change
    counts = Enterprise.objects.annotate(n=Count("changes", filter=Q(changes__kind=EnterpriseChange.Kind.REGISTERED)))
    assert set(counts.values_list("n", flat=True)) == {1}
    # the history ends where the enterprise is: latest change = current township and status
    today = timezone.localdate()
    for e in Enterprise.objects.annotate(**state_on(today)):
        assert (e.township_on_date, e.status_on_date) == (e.township_id, e.status), e.name
    # the current and the previous quarter's change reports have something in them
    for quarter in Period.recent(today, 2):
        assert EnterpriseChange.objects.filter(effective_date__range=(quarter.start, quarter.end)).exclude(
            kind=EnterpriseChange.Kind.REGISTERED).exists(), quarter
    # non-dust enterprises have no dust workers; some are outside any grid cell
    assert not enterprises.exclude(key_domains__code="dust").filter(dust_workers_per_shift__gt=0).exists()
    assert enterprises.filter(grid_cell__isnull=True).exists()
    assert enterprises.filter(status=Status.PRODUCING).count() > 150


def test_demo_accounts_log_in_with_the_printed_passwords(demo):
    passwords = _passwords(demo)
    assert set(passwords) == set(USERNAMES)
    users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
    assert (users["bureau"].role, users["bureau"].region.name) == ("bureau_staff", "武进区")
    assert (users["city"].role, users["city"].region.name) == ("bureau_staff", "常州市")
    assert (users["hutang"].role, users["hutang"].region.name) == ("township_inspector", "湖塘镇")
    cells = list(users["grid"].grid_cells.all())
    assert users["grid"].role == "grid_member" and len(cells) == 2
    assert {c.township.name for c in cells} == {"湖塘镇"}
    membership = EnterpriseMembership.objects.get(user=users["qiye"])
    assert membership.position == "principal" and membership.enterprise.township.name == "湖塘镇"
    assert users["auditor"].role == "auditor" and users["admin"].role == "admin"
    assert users["root"].is_superuser and not users["admin"].is_superuser
    for username, password in passwords.items():
        assert not users[username].must_change_password
        assert _signs_in(Client(), username, password), username


def test_if_empty_adds_nothing_the_second_time(demo):
    before = (Enterprise.objects.count(), EnterpriseChange.objects.count(), Region.objects.count(),
              GridCell.objects.count())
    out = StringIO()
    call_command("demo_data", enterprises=200, seed=2, if_empty=True, stdout=out)
    assert "nothing to do" in out.getvalue()
    assert (Enterprise.objects.count(), EnterpriseChange.objects.count(), Region.objects.count(),
            GridCell.objects.count()) == before


_SMOKE = textwrap.dedent("""
    import os
    import django
    django.setup()
    from django.test import Client
    from enterprises.models import Enterprise
    from grid.models import Region

    client = Client()
    response = client.post("/accounts/login/", {"username": "bureau", "password": os.environ["BUREAU_PASSWORD"]})
    assert response.status_code == 302 and client.session.get("_auth_user_id"), "sign-in failed"
    enterprise = Enterprise.objects.filter(township__name="湖塘镇").first()
    hutang = Region.objects.get(name="湖塘镇")
    for url in ["/", "/enterprises/", f"/enterprises/{enterprise.pk}/", "/enterprises/overview/",
                f"/enterprises/changes/?township={hutang.pk}", "/api/v1/enterprises/"]:
        status = client.get(url).status_code
        assert status == 200, (url, status)
        print("ok", url)

    from risk_reports.models import RiskPoint, Scan, ScanCycle
    assert RiskPoint.objects.exists() and Scan.objects.count() >= ScanCycle.objects.count() > 0
    print("ok risk points and scans")

    # issue 10, "Done when", from the demo data: the bureau computes a quarter, drafts, edits and
    # publishes its notice and downloads the PDF and the .docx (tasks run in process on SQLite)
    from django.utils import timezone
    from portal.assessments.models import Snapshot
    from portal.figures.periods import Period
    from portal.notices.models import Notice

    assert Snapshot.objects.filter(state="current").count() == 4  # two quarters, the city and Wujin
    assert Notice.objects.filter(state="published").exclude(pdf="").exists()  # the city's, rendered
    wujin = Region.objects.get(code="320412")
    quarter = Period.containing(timezone.localdate()).previous()
    response = client.post("/assessments/snapshots/", {"region": wujin.pk, "quarter": str(quarter)})
    snapshot = Snapshot.objects.get(region=wujin, period=str(quarter), state="current")
    assert response.status_code == 302 and response["Location"].endswith(f"/{snapshot.pk}/"), response
    assert snapshot.requested_by.username == "bureau"
    response = client.post("/notices/draft/", {"snapshot": snapshot.pk})
    notice = Notice.objects.filter(snapshot=snapshot).get()
    data = {name: getattr(notice, name) or "" for name in ("authority", "number_prefix", "title", "addressees",
                                                            "copied_to", "printing_office")}
    data["signature_date"] = ""
    data.update({f"block_{i}": b["text"] for i, b in enumerate(notice.body) if b["kind"] != "table"})
    data.update({f"attachment_{i}": "on" for i, _a in enumerate(notice.attachments, start=1)})
    data["step_0"] = "（一）各镇（街道）要对照本通报逐项整改，按时报送整改情况。"
    assert client.post(f"/notices/{notice.pk}/edit/", data).status_code == 302
    client.post(f"/notices/{notice.pk}/publish/")
    notice.refresh_from_db()
    assert notice.state == "published" and notice.number, (notice.state, notice.number)
    pdf = b"".join(client.get(f"/notices/{notice.pk}/pdf/").streaming_content)
    docx = b"".join(client.get(f"/notices/{notice.pk}/docx/").streaming_content)
    assert pdf.startswith(b"%PDF") and docx.startswith(b"PK"), (pdf[:8], docx[:8])
    import subprocess
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True).stdout.decode()
    assert notice.number in text and "存在问题" in text and "各镇（街道）要对照本通报" in text.replace(chr(10), "")
    print("ok the quarter computed and its notice published, PDF and .docx")
""")


def test_demo_on_embedded_sqlite(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DJANGO_DEBUG", "PORTAL_DEPLOYMENT")}
    env.update(DATABASE_URL=f"sqlite:///{tmp_path / 'smoke.sqlite3'}", DJANGO_SETTINGS_MODULE="portal.settings")

    def run(*args):
        result = subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
        return result.stdout

    run("manage.py", "migrate", "--noinput", "-v", "0")
    output = run("manage.py", "demo_data", "--enterprises", "300")
    env["BUREAU_PASSWORD"] = _passwords(output)["bureau"]
    pages = run("-c", _SMOKE)
    assert pages.count("ok ") == 8
