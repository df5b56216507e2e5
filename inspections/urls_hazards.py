"""URLs of the hazards pages (see urls.py)."""
urlpatterns = []
