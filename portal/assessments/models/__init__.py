"""The assessments app's tables, one module per idea: the quarter's snapshots and problem rules
(``snapshots``), rubric forms, scores, plans and random checks (``rubrics``), key tasks (``key_tasks``)."""
from .key_tasks import KeyTask, KeyTaskBonus, KeyTaskEvidence, KeyTaskList, KeyTaskTarget
from .rubrics import Deduction, Finding, RandomCheck, RectificationPlan, RubricForm, RubricItem, Score, ScoreItem
from .snapshots import ProblemRule, Snapshot, SnapshotPart, SnapshotValue

__all__ = ["ProblemRule", "Snapshot", "SnapshotPart", "SnapshotValue",
           "RubricForm", "RubricItem", "Score", "ScoreItem", "RectificationPlan", "RandomCheck", "Finding",
           "Deduction",
           "KeyTask", "KeyTaskBonus", "KeyTaskEvidence", "KeyTaskList", "KeyTaskTarget"]
