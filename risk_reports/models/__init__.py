"""Risk reporting and the Changan code: the dictionary and grading methods (``dictionary``), an
enterprise's risk points and their codes (``points``), the scan self-checks and the cycles they
fill (``scans``)."""
from .dictionary import (ACCIDENT_TYPE_CODES, MEASURE_KIND_CODES, METHOD_FACTORS, CheckCycle, GradingBand,
                         GradingMethod, GradingScale, RiskCategory, RiskLevel, plain)
from .points import ChanganCode, GradingBasis, PointLife, RiskPoint, ShiftSchedule
from .scans import DoneCycleMonth, PointHazard, Scan, ScanCycle, ScanMonth

# dust cleaning (issue 11 item 2)
from .dust import DustEscalation, DustSite, DustUpload, DutyRoster, EscalationStep, FlagReason  # noqa: E402

# risk reports (issue 11 item 1)
from .reports import ModelEnterprise, ReportKind, ReportState, RiskReport, RiskReportItem  # noqa: E402

# one map, two cards, four lists (issue 11 item 3)
from .maps import PointPlacement, SitePlan  # noqa: E402

__all__ = [
    "ACCIDENT_TYPE_CODES", "MEASURE_KIND_CODES", "METHOD_FACTORS", "CheckCycle", "GradingBand", "GradingMethod",
    "GradingScale", "RiskCategory", "RiskLevel", "plain",
    "ChanganCode", "GradingBasis", "PointLife", "RiskPoint", "ShiftSchedule",
    "DoneCycleMonth", "PointHazard", "Scan", "ScanCycle", "ScanMonth",
    "DustEscalation", "DustSite", "DustUpload", "DutyRoster", "EscalationStep", "FlagReason",
    # risk reports (issue 11 item 1)
    "ModelEnterprise", "ReportKind", "ReportState", "RiskReport", "RiskReportItem",
    # one map, two cards, four lists (issue 11 item 3)
    "PointPlacement", "SitePlan",
]
