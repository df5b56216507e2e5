from portal import appconfig


class RiskReportsConfig(appconfig.PortalAppConfig):
    name = "risk_reports"
    verbose_name = "风险报告与常安码"
    # /risk/ for the pages; /c/<token>/ is what a Changan code's QR opens (short, so the QR stays coarse)
    urls = {"risk/": "risk_reports.urls", "c/": "risk_reports.urls_scan"}

    def ready(self):
        # menu, API routes, enterprise-page sections, figures, to-dos
        from . import api, menu  # noqa: F401
        from . import dossier_sections, figures, todos  # noqa: F401
