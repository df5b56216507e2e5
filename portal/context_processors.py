from django.urls import reverse

from .ui import nav_items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [{"label": item.label, "url": reverse(item.url_name), "active": False} for item in nav_items_for(user)]
    # the entry whose URL is the longest prefix of this page is the active one
    matches = [i for i in items if i["url"] != "/" and request.path.startswith(i["url"])]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["active"] = True
    return {"nav_items": items}
