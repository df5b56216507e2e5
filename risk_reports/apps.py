from portal import appconfig


class RiskReportsConfig(appconfig.PortalAppConfig):
    name = "risk_reports"
    verbose_name = "风险报告与常安码"
    # /risk/ for the pages; /c/<token>/ is what a Changan code's QR opens (short, so the QR stays coarse)
    urls = {"risk/": "risk_reports.urls", "c/": "risk_reports.urls_scan"}

    def ready(self):
        from auditlog.registry import auditlog

        # menu, API routes, the label-sheet job, enterprise-page sections, figures, the notice's paragraph, to-dos
        from . import api, documents, dossier_sections, figures, menu, paragraphs, todos  # noqa: F401
        from .models import ChanganCode, GradingBand, GradingScale, RiskCategory, RiskPoint, ShiftSchedule

        # the dictionary, the grading rules, points, codes and shifts are audited; scans are records in
        # their own right (issue 9 item 4) and are not written to the trail one by one
        for model in (RiskCategory, GradingScale, GradingBand, RiskPoint, ChanganCode, ShiftSchedule):
            auditlog.register(model)
