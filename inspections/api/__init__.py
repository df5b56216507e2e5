"""The inspections API (/api/v1/): plans, inspections (idempotent submit), hazards (life-cycle
actions), penalties and campaigns — thin viewsets over the same services and scope as the pages.

Every object is reached through ``scope``: out of scope is a 404, in scope but read-only a 403 on a
write, then the input is checked (400), then the service decides (400 with its Chinese messages).
Every refusal has the API's one error shape ``{detail, code, fields}`` (``portal.api_common``)."""
from portal.api import router

from .hazards import HazardViewSet
from .inspections import InspectionViewSet
from .penalties import CampaignViewSet, PenaltyViewSet
from .plans import PlanViewSet

router.register("inspection-plans", PlanViewSet, basename="inspection-plan")
router.register("inspections", InspectionViewSet, basename="inspection")
router.register("hazards", HazardViewSet, basename="hazard")
router.register("penalties", PenaltyViewSet, basename="penalty")
router.register("campaigns", CampaignViewSet, basename="campaign")

# self-check lists (issue 11 item 4)
from .self_checks import SelfCheckViewSet  # noqa: E402

router.register("self-checks", SelfCheckViewSet, basename="self-check")
