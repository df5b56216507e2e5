"""Writes of the inspections app, one module per idea; import from here."""
from .checklists import (checklist_current, checklist_mark_used, checklist_new_version,  # noqa: F401
                         checklist_publish)
from .hazards import (FIVE_IN_PLACE, hazard_extension_decide, hazard_extension_request,  # noqa: F401
                      hazard_may_verify, hazard_plan, hazard_report, hazard_require, hazard_send_back, hazard_submit,
                      hazard_suspend, hazard_verify, hazards_due_soon, hazards_overdue)
from .inspections import (CORRECTABLE, checking_level_for, checklist_items_for,  # noqa: F401
                          inspection_correct, inspection_submit)
from .penalties import penalty_create, penalty_set_status  # noqa: F401
from .plans import (campaign_create, campaign_not_cleared, campaign_targets_add,  # noqa: F401
                    cross_inspection_grant, done_items, plan_completion, plan_create, plan_item_remove,
                    plan_items_add, plan_items_overdue, plan_items_sample)
from .self_checks import (self_check_checklists, self_check_items, self_check_missing,  # noqa: F401
                          self_check_result, self_check_send, self_check_submit)
