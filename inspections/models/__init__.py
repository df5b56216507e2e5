"""Inspections and the hazard ledger, one module per idea, in the order data flows:
checklist templates (what is checked) → plans and campaigns (what is to be checked) → inspections
(what was checked) → hazards (what was found, rectified to a verified close) → penalties; and the
self-check lists a campaign sends its enterprises (``self_checks``)."""
from .checklists import USED_MESSAGE, ChecklistItem, ChecklistTemplate  # noqa: F401
from .plans import Campaign, InspectionPlan, PlanItem  # noqa: F401
from .inspections import (  # noqa: F401
    CheckingLevel, Inspection, InspectionAnswer, InspectionCorrection, InspectionKind)
from .hazards import (  # noqa: F401
    Hazard, HazardEvent, HazardExtension, HazardSeverity, HazardSource, HazardStatus, MajorHazardCriterion)
from .penalties import Penalty  # noqa: F401
from .self_checks import SelfCheckAnswer, SelfCheckList, SelfCheckState  # noqa: F401
