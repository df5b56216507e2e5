"""The enterprise page's inspections and hazards sections (enterprises.dossier registry)."""
