"""URLs of the plans pages (see urls.py)."""
urlpatterns = []
