from celery.schedules import crontab

from portal import appconfig


class RiskReportsConfig(appconfig.PortalAppConfig):
    name = "risk_reports"
    verbose_name = "风险报告与常安码"
    # /risk/ for the pages; /c/<token>/ is what a Changan code's QR opens (short, so the QR stays coarse)
    urls = {"risk/": "risk_reports.urls", "c/": "risk_reports.urls_scan"}
    periodic_jobs = {
        # dust cleaning (issue 11 item 2): after midnight, the day that just ended
        "dust-escalate": {"task": "risk_reports.dust_escalate", "schedule": crontab(hour=0, minute=20)},
    }

    def ready(self):
        from auditlog.registry import auditlog

        # menu, API routes, the label-sheet job, enterprise-page sections, figures, the notice's paragraph, to-dos
        from . import api, documents, dossier_sections, figures, menu, paragraphs, todos  # noqa: F401
        from .models import ChanganCode, GradingBand, GradingScale, RiskCategory, RiskPoint, ShiftSchedule

        # the dictionary, the grading rules, points, codes and shifts are audited; scans are records in
        # their own right (issue 9 item 4) and are not written to the trail one by one
        # dust cleaning (issue 11 item 2): message kinds, the nightly task, figures, pages' registries
        from . import dossier_dust, figures_dust, kinds_dust, menu_dust, tasks_dust, todos_dust  # noqa: F401
        # risk reports (issue 11 item 1): API, the enterprise page's section, figures, menu, to-dos
        from . import api_reports, dossier_reports, figures_reports, menu_reports, todos_reports  # noqa: F401
        # one map, two cards, four lists (issue 11 item 3): API, the enterprise page's section, menu
        from . import api_maps, dossier_maps, menu_maps  # noqa: F401
        from .models import PointPlacement, SitePlan

        auditlog.register(SitePlan)
        auditlog.register(PointPlacement)

        for model in (RiskCategory, GradingScale, GradingBand, RiskPoint, ChanganCode, ShiftSchedule):
            auditlog.register(model)
