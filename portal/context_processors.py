from django.urls import reverse

from .ui import nav_items_for


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = []
    for item in nav_items_for(user):
        url = reverse(item.url_name)
        items.append({"label": item.label, "url": url,
                      "active": request.path.startswith(url) and url != "/"})
    return {"nav_items": items}
