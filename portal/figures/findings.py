"""Problems named over a table of figures, for the pages on the left of the layers.

The rules that name problems are data of ``portal.assessments`` (issue 10 item 2), to the right of
every supervision app. A page of an app (the risk overview) shows what those rules name for its
table by asking here; ``portal.assessments`` registers its ``problems_for`` when it loads. Without
it (an installation without assessments) nothing is named.
"""
_finders = []


def register(fn):
    """``fn(table) -> [finding]``: each finding has ``title``, ``sentence``, ``figure`` and ``units``
    (``[(region, registry.Cell)]``, worst first). Registering the same function again is a no-op."""
    if fn not in _finders:
        _finders.append(fn)
    return fn


def findings(table):
    """What every registered finder names over ``table`` (a live or a frozen ``registry.Table``)."""
    return [finding for fn in _finders for finding in fn(table)]
