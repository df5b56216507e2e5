"""URLs of the documents pages (see urls.py)."""
urlpatterns = []
