"""What the hazard ledger and the plans ask of each role on its home page."""
