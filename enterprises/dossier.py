"""The enterprise page (一企一档): a registry of sections. This app adds its own; apps to the
right (inspections, risk reports, ...) add theirs from their ``AppConfig.ready``, so this app never
imports them. A section's ``context(enterprise, user)`` must stay a fixed, small number of queries."""
from dataclasses import dataclass
from typing import Callable

_sections = []


@dataclass
class Section:
    key: str
    title: str
    template: str
    context: Callable
    order: int = 100


def register_section(key, title, template, context, order=100):
    _sections[:] = [s for s in _sections if s.key != key]
    _sections.append(Section(key, title, template, context, order))


def sections_for(enterprise, user):
    out = []
    for section in sorted(_sections, key=lambda s: s.order):
        ctx = section.context(enterprise, user)
        if ctx is None:
            continue
        out.append({"key": section.key, "title": section.title, "template": section.template, **ctx})
    return out
