"""URLs of the inspections pages (see urls.py)."""
urlpatterns = []
