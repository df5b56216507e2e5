"""The inspections figures, registered in ``portal.figures.registry``: one grouped query each."""
