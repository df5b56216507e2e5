"""The risk API (/api/v1/): dictionary categories and grading, risk points, Changan codes (revoke,
reissue) and the scan submit (idempotent) — thin viewsets over the same services and scope as the
pages, with the API's one error shape (``portal.api_common``)."""
from portal.api import router

from .codes import ChanganCodeViewSet
from .dictionary import GradingBandViewSet, GradingScaleViewSet, RiskCategoryViewSet, RiskGradeViewSet
from .points import RiskPointViewSet, ShiftScheduleViewSet
from .scans import ScanViewSet

router.register("risk-categories", RiskCategoryViewSet, basename="risk-category")
router.register("grading-scales", GradingScaleViewSet, basename="grading-scale")
router.register("grading-bands", GradingBandViewSet, basename="grading-band")
router.register("risk-grade", RiskGradeViewSet, basename="risk-grade")
router.register("risk-points", RiskPointViewSet, basename="risk-point")
router.register("shift-schedules", ShiftScheduleViewSet, basename="shift-schedule")
router.register("changan-codes", ChanganCodeViewSet, basename="changan-code")
router.register("scans", ScanViewSet, basename="scan")

# dust cleaning (issue 11 item 2)
from .dust import DustSiteViewSet, DustUploadViewSet  # noqa: E402

router.register("dust-sites", DustSiteViewSet, basename="dust-site")
router.register("dust-uploads", DustUploadViewSet, basename="dust-upload")
