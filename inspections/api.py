"""The inspections API (/api/v1/): plans, inspections (idempotent submit), hazards (life-cycle
actions), penalties and campaigns — thin viewsets over the same services and scope as the pages."""
