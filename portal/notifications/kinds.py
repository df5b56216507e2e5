"""The kinds of message, registered by the apps that send them (the portal discovers them)::

    from portal.notifications.kinds import register_kind

    HAZARD_DUE_SOON = register_kind("inspections.hazard_due_soon", _("Hazard deadline approaching"),
                                    description=_("..."), channels=(Channel.EMAIL, Channel.SMS))

``channels`` are the outside channels a kind goes out on unless the user turns them off; the
in-portal copy always stays. The preferences page lists every registered kind.
"""
from dataclasses import dataclass

from .models import Channel


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    description: str = ""
    channels: tuple = (Channel.EMAIL, Channel.SMS)

    def __str__(self):
        return str(self.label)


_kinds = {}


def register_kind(name, label, *, description="", channels=(Channel.EMAIL, Channel.SMS)):
    """Add a kind (an app's ``notifications`` module does it at import). Registering the same name
    twice with the same meaning is harmless (a reloaded module); a different meaning is a bug."""
    channels = tuple(Channel(c).value for c in channels)
    kind = Kind(name, label, description, channels)
    known = _kinds.get(name)
    if known is not None and known != kind:
        raise ValueError(f"The message kind {name!r} is already registered differently")
    _kinds[name] = kind
    return kind


def get_kind(name):
    """The registered kind; ``LookupError`` for an unknown name (a message needs a known kind)."""
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"Unknown message kind {name!r}: register it with register_kind()") from None


def all_kinds():
    """Every registered kind, by name (the preferences page and the filter list them)."""
    return [_kinds[name] for name in sorted(_kinds)]


def label_of(name):
    """The kind's label, or its name for a kind no longer registered (old messages still show)."""
    kind = _kinds.get(name)
    return kind.label if kind is not None else name
