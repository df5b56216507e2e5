"""The enterprise page's risk-report section (issue 11 item 6): its latest reports and whether it
is a model enterprise this year. Two queries, through ``scope.visible``."""
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enterprises.dossier import register_section
from portal.accounts import capabilities as caps
from portal.accounts import scope

from .models import ModelEnterprise, RiskReport

LATEST = 5


def reports_section(enterprise, user):
    if not scope.holds(user, caps.VIEW_RISK):
        return None
    reports = list(scope.visible(user, RiskReport.objects.filter(enterprise=enterprise))
                   .order_by("-created_at", "-id")[:LATEST])
    model = scope.visible(user, ModelEnterprise.objects.filter(enterprise=enterprise,
                                                               year=timezone.localdate().year)).exists()
    return {"reports": reports, "model": model,
            "list_url": f"{reverse('risk_reports:report_list')}?{urlencode({'enterprise': enterprise.pk})}"}


register_section("risk_reports", _("Risk reports"), "risk_reports/_dossier_reports.html", reports_section, order=8)
