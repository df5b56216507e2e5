"""The app's tables, one module per idea: the quarter's snapshots and problem rules, key tasks."""
from .key_tasks import KeyTask, KeyTaskBonus, KeyTaskEvidence, KeyTaskList, KeyTaskTarget  # noqa: F401
from .snapshots import ProblemRule, Snapshot, SnapshotPart, SnapshotValue  # noqa: F401
