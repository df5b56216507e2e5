"""The assessments app's tables, one module per idea: the quarter's snapshots and problem rules
(``snapshots``); rubric forms and scores, key tasks each add their own module here."""
from .snapshots import ProblemRule, Snapshot, SnapshotPart, SnapshotValue

__all__ = ["ProblemRule", "Snapshot", "SnapshotPart", "SnapshotValue"]
