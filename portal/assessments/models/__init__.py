"""The assessments app's tables, one module per idea: the quarter's snapshots and problem rules
(``snapshots``); rubric forms and scores, key tasks each add their own module here."""
from .snapshots import ProblemRule, Snapshot, SnapshotPart, SnapshotValue
from .rubrics import (Deduction, Finding, RandomCheck, RectificationPlan, RubricForm, RubricItem, Score,  # noqa: I001
                      ScoreItem)

__all__ = ["ProblemRule", "Snapshot", "SnapshotPart", "SnapshotValue",
           "RubricForm", "RubricItem", "Score", "ScoreItem", "RectificationPlan", "RandomCheck", "Finding",
           "Deduction"]
