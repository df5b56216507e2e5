"""The risk API (/api/v1/): dictionary categories and grading, risk points, Changan codes (revoke,
reissue) and the scan submit (idempotent) — thin viewsets over the same services and scope as the
pages, with the API's one error shape (``portal.api_common``)."""
from portal.api import router  # noqa: E402

from .points import RiskPointViewSet, ShiftScheduleViewSet  # noqa: E402

router.register("risk-points", RiskPointViewSet, basename="risk-point")
router.register("shift-schedules", ShiftScheduleViewSet, basename="shift-schedule")
