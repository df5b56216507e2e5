"""/c/<token>/: the page a Changan code's QR opens (the scan self-check)."""
from django.http import Http404
from django.urls import path

app_name = "changan"


def _scan_placeholder(request, token):
    # PLACEHOLDER (codes branch): the scans area's page replaces this; only the name matters here
    raise Http404("The scan page is not built yet")


urlpatterns = [
    path("<str:token>/", _scan_placeholder, name="scan"),
]
