from django.urls import reverse

from .accounts import scope
from .ui import NAV_GROUPS, nav_items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [{"label": item.label, "url": reverse(item.url_name), "active": False, "group": item.group}
             for item in nav_items_for(scope.capabilities(user))]
    # the entry whose URL is the longest prefix of this page is the active one
    matches = [i for i in items if i["url"] != "/" and request.path.startswith(i["url"])]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return {"nav_items": _grouped(items)}


def _grouped(items):
    """Menu entries in order; a group's entries gathered into one drop-down where its first entry
    stands (``children`` set), a group with a single entry left as a plain link."""
    members = {}
    for item in items:
        if item["group"]:
            members.setdefault(item["group"], []).append(item)
    out, placed = [], set()
    for item in items:
        group = item["group"]
        if not group or len(members[group]) == 1:
            out.append(item)
        elif group not in placed:
            placed.add(group)
            children = members[group]
            out.append({"label": NAV_GROUPS[group], "children": children, "group": group,
                        "active": any(c["active"] for c in children)})
    return out
