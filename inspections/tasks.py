"""Background jobs of the inspections app. The large hazard-ledger export runs as the shared export
job (``portal.jobs.exports``, registered in ``exports``)."""
from . import exports  # noqa: F401  (registers the hazard-ledger export in the worker too)
