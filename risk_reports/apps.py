from portal import appconfig


class RiskReportsConfig(appconfig.PortalAppConfig):
    name = "risk_reports"
    verbose_name = "风险报告与常安码"
