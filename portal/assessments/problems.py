"""Problems named by rules (issue 10 item 2; RULES.md §7): the interface the notice reads.

``problems_for(table)`` takes a ``registry.Table`` — a live one (``registry.table``) or a frozen one
(``services.snapshot_table``) — and returns the findings of every active rule, in the rules' order.
The rules themselves (data, with shipped defaults) are still to come: until then no problem is named.
"""
from dataclasses import dataclass, field


@dataclass
class Finding:
    """One rule's finding over a table: the units that fall short, with their cells, and the
    sentence the notice prints (the rule's template with its placeholders filled)."""

    rule: object            # the rule (a model instance once rules are data)
    title: str              # the rule's short title, e.g. 平均辨识风险数最低
    sentence: str           # e.g. 钟楼区企业平均辨识风险数最低，为9.23处。
    units: list = field(default_factory=list)  # [(region, registry.Cell)], worst first


def problems_for(table):
    """The findings of every active rule over ``table`` (empty until the rules exist)."""
    return []
