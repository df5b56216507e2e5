"""The portal's URLs plus the attachments app (until portal/urls.py includes it)."""
from django.urls import include, path

from portal.urls import urlpatterns as portal_urlpatterns

urlpatterns = [*portal_urlpatterns, path("attachments/", include("portal.attachments.urls"))]
