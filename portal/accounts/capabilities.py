"""Who may do what: the one table of capabilities per role (and, for enterprise users, per position).

A capability names a kind of action, not a page: ``inspect`` is the inspection form, its API and
the inspection's correction alike. Holding a capability is necessary, not sufficient:
``scope.can(user, capability, obj)`` also needs ``obj`` in the user's scope and, where the
model's ``Scope.owners`` names the unit that owns the capability on a row, the user in that unit
(a plan is changed by its making region, a hazard verified by its township or, major, its district).

The roles the next apps bring (agency user, expert, training-institution user) are here with
nothing granted: their apps add rows to this table and ``Scope`` declarations to their models.
A superuser holds every capability.
"""
from .models import Role

# -- the capabilities (the names code asks ``scope.can`` about) --------------------------------------
VIEW_ROSTER = "view_roster"                # the roster and the enterprise page (一企一档)
MANAGE_ROSTER = "manage_roster"            # enter and change enterprises, every field; roster changes
EDIT_OWN_ENTERPRISE = "edit_own_enterprise"  # an enterprise's self-filed fields and storage sites
IMPORT_ROSTER = "import_roster"            # the roster import and its template
ROSTER_REPORTS = "roster_reports"          # the roster overview and the quarterly change report
VIEW_ENTERPRISE_ACCOUNTS = "view_enterprise_accounts"  # who holds an enterprise's accounts (dossier)
VIEW_INSPECTIONS = "view_inspections"      # inspection records and penalties (menu entries)
VIEW_HAZARDS = "view_hazards"              # the hazard ledger
SUPERVISE = "supervise"                    # the supervisors' pages: major hazards, plans, campaigns,
                                           # statistics, territory, the supervisors' to-dos
INSPECT = "inspect"                        # submit and correct inspections, report hazards as an
                                           # inspector, order production suspended
PATROL = "patrol"                          # submit a patrol (an inspection of kind patrol) of an
                                           # enterprise one sees: the grid member's round
PENALISE = "penalise"                      # administrative penalties
REPORT_HAZARD = "report_hazard"            # enter a hazard outside an inspection (self-check or report)
RECTIFY = "rectify"                        # the enterprise's steps: plan (five in place), evidence,
                                           # extension request
VERIFY_HAZARD = "verify_hazard"            # verify closed or send back a rectification
DECIDE_EXTENSION = "decide_extension"      # grant or refuse a deadline extension
PLAN = "plan"                              # enforcement plans and their items
MANAGE_CAMPAIGNS = "manage_campaigns"      # campaigns and their targets
MANAGE_REGIONS = "manage_regions"          # regions and grid cells below one's own
MANAGE_THRESHOLDS = "manage_thresholds"    # threshold versions of one's region
MANAGE_ROSTER_SETS = "manage_roster_sets"  # the named roster sets figures take (重点行业, 涉粉 ≥ 30 人, ...)
MANAGE_ACCOUNTS = "manage_accounts"        # user accounts and enterprise bindings
READ_AUDIT = "read_audit"                  # the audit trail and the access log
VIEW_RISK = "view_risk"                    # risk points, their codes and scans, the risk figures
MANAGE_RISK_POINTS = "manage_risk_points"  # an enterprise's own points: record, grade, import, copy,
                                           # print labels, revoke and reissue codes, declare shifts
SCAN = "scan"                              # the scan self-check of one's own enterprise's points
MANAGE_RISK_DICTIONARY = "manage_risk_dictionary"  # the risk control dictionary, grading scales and bands
COMPUTE_SNAPSHOTS = "compute_snapshots"    # freeze (and recompute) a quarter's figures of one's region
ISSUE_NOTICES = "issue_notices"            # draft, edit and publish the quarterly notice; the problem rules
READ_NOTICES = "read_notices"              # published notices addressed to one's unit (and the snapshots'
                                           # statistics and dashboard of one's own unit)
MANAGE_KEY_TASKS = "manage_key_tasks"      # the key task lists of one's region: tasks, targets, copy
                                           # forward, accept or return evidence, bonus points
SUBMIT_KEY_TASK_EVIDENCE = "submit_key_task_evidence"  # upload evidence for one's own unit's key tasks

CAPABILITIES = (
    VIEW_ROSTER, MANAGE_ROSTER, EDIT_OWN_ENTERPRISE, IMPORT_ROSTER, ROSTER_REPORTS, VIEW_ENTERPRISE_ACCOUNTS,
    VIEW_INSPECTIONS, VIEW_HAZARDS, SUPERVISE, INSPECT, PATROL, PENALISE, REPORT_HAZARD, RECTIFY, VERIFY_HAZARD,
    DECIDE_EXTENSION, PLAN, MANAGE_CAMPAIGNS, MANAGE_REGIONS, MANAGE_THRESHOLDS, MANAGE_ROSTER_SETS, MANAGE_ACCOUNTS,
    READ_AUDIT, VIEW_RISK, MANAGE_RISK_POINTS, SCAN, MANAGE_RISK_DICTIONARY, COMPUTE_SNAPSHOTS, ISSUE_NOTICES,
    READ_NOTICES, MANAGE_KEY_TASKS, SUBMIT_KEY_TASK_EVIDENCE,
)

# An enterprise user's position (enterprises.EnterpriseMembership.Position, not imported here).
PRINCIPAL, SAFETY_MANAGER, STAFF = "principal", "safety_manager", "staff"
POSITIONS = (PRINCIPAL, SAFETY_MANAGER, STAFF)

_SUPERVISOR = frozenset({
    VIEW_ROSTER, MANAGE_ROSTER, IMPORT_ROSTER, ROSTER_REPORTS, VIEW_ENTERPRISE_ACCOUNTS, VIEW_INSPECTIONS,
    VIEW_HAZARDS, SUPERVISE, INSPECT, PATROL, PENALISE, REPORT_HAZARD, VERIFY_HAZARD, DECIDE_EXTENSION, PLAN,
    MANAGE_CAMPAIGNS, MANAGE_REGIONS, VIEW_RISK, READ_NOTICES,
})
# every employee scans the codes of their own enterprise's points (the Changan code's purpose)
_ENTERPRISE_READER = frozenset({VIEW_ROSTER, VIEW_INSPECTIONS, VIEW_HAZARDS, VIEW_RISK, SCAN})
_ENTERPRISE_WRITER = _ENTERPRISE_READER | {EDIT_OWN_ENTERPRISE, REPORT_HAZARD, RECTIFY, MANAGE_RISK_POINTS}

# role -> capabilities; the enterprise role's row is per position
ROLE_CAPABILITIES = {
    # the district (or city) bureau: everything its townships do, and major hazards, and thresholds
    Role.BUREAU_STAFF: _SUPERVISOR | {MANAGE_THRESHOLDS, MANAGE_ROSTER_SETS, MANAGE_RISK_DICTIONARY,
                                      COMPUTE_SNAPSHOTS, ISSUE_NOTICES, MANAGE_KEY_TASKS,
                                      SUBMIT_KEY_TASK_EVIDENCE},
    Role.TOWNSHIP_INSPECTOR: _SUPERVISOR | {SUBMIT_KEY_TASK_EVIDENCE},
    # a grid member patrols the enterprises of their cells: reads the roster and the ledger
    Role.GRID_MEMBER: frozenset({VIEW_ROSTER, VIEW_HAZARDS, PATROL, VIEW_RISK, READ_NOTICES}),
    Role.AGENCY: frozenset(),
    Role.EXPERT: frozenset(),
    Role.TRAINING: frozenset(),
    # deployment-wide: the administrator binds accounts, the auditor reads the trail; neither sees
    # a business page
    Role.AUDITOR: frozenset({READ_AUDIT}),
    Role.ADMIN: frozenset({MANAGE_ACCOUNTS}),
}
POSITION_CAPABILITIES = {
    PRINCIPAL: _ENTERPRISE_WRITER,
    SAFETY_MANAGER: _ENTERPRISE_WRITER,
    STAFF: _ENTERPRISE_READER,
}


def granted(role, position=None):
    """The capabilities of ``role`` (an enterprise user's: of their ``position``; none without one)."""
    if role == Role.ENTERPRISE:
        return POSITION_CAPABILITIES.get(position, frozenset())
    return ROLE_CAPABILITIES.get(role, frozenset())


def holders(capability):
    """``(roles, positions)`` that hold ``capability``: for documentation and tests."""
    roles = {role for role, caps in ROLE_CAPABILITIES.items() if capability in caps}
    positions = {p for p, caps in POSITION_CAPABILITIES.items() if capability in caps}
    return roles, positions

# -- rubric scoring (issue 12 items 1 and 2; appended so other apps' additions do not collide) --------
MANAGE_RUBRICS = "manage_rubrics"          # edit the assessment forms (a change is a new version)
SCORE_ENTERPRISES = "score_enterprises"    # a township's monthly scoring of its enterprises (附件1)
SCORE_UNITS = "score_units"                # a unit's monthly self-scoring; the level above's quarterly
                                           # scoring of the units below (附件2)
REVIEW_PLANS = "review_plans"              # approve or return enterprises' special-rectification plans
RANDOM_CHECKS = "random_checks"            # the assessing level's quarterly random check and its findings;
                                           # the district's spot-check of townships' plan reviews
FILE_PLAN = "file_plan"                    # an enterprise files its special-rectification plan

CAPABILITIES += (MANAGE_RUBRICS, SCORE_ENTERPRISES, SCORE_UNITS, REVIEW_PLANS, RANDOM_CHECKS, FILE_PLAN)
ROLE_CAPABILITIES[Role.BUREAU_STAFF] = ROLE_CAPABILITIES[Role.BUREAU_STAFF] | {
    MANAGE_RUBRICS, SCORE_ENTERPRISES, SCORE_UNITS, REVIEW_PLANS, RANDOM_CHECKS}
ROLE_CAPABILITIES[Role.TOWNSHIP_INSPECTOR] = ROLE_CAPABILITIES[Role.TOWNSHIP_INSPECTOR] | {
    SCORE_ENTERPRISES, SCORE_UNITS, REVIEW_PLANS}
POSITION_CAPABILITIES[PRINCIPAL] = POSITION_CAPABILITIES[PRINCIPAL] | {FILE_PLAN}
POSITION_CAPABILITIES[SAFETY_MANAGER] = POSITION_CAPABILITIES[SAFETY_MANAGER] | {FILE_PLAN}
