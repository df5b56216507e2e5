"""The writes of risk reporting, one module per idea: ``grading`` (a point's class from its method),
``points`` (recording, copying, importing and re-grading points), ``codes`` (Changan codes),
``scans`` (the scan self-check). Each service checks who acts first (``scope.require``), then the
record's state, inside one transaction."""
from .grading import risk_grade  # noqa: F401
