"""/c/<token>/: the page a Changan code's QR opens (the scan self-check)."""
app_name = "changan"

urlpatterns = []
