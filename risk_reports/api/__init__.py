"""The risk API (/api/v1/): dictionary categories and grading, risk points, Changan codes (revoke,
reissue) and the scan submit (idempotent) — thin viewsets over the same services and scope as the
pages, with the API's one error shape (``portal.api_common``)."""
from portal.api import router  # noqa: E402

from .codes import ChanganCodeViewSet  # noqa: E402

router.register("changan-codes", ChanganCodeViewSet, basename="changan-code")
