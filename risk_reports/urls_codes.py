"""URLs of the Changan codes (included in urls.py): the list, a code's QR, a point's reissue form,
the label sheet."""
from django.urls import path

from . import views_codes as views

urlpatterns = [
    path("codes/", views.code_list, name="code_list"),
    path("codes/<str:token>/qr.svg", views.code_qr, name="code_qr"),
    path("points/<int:pk>/reissue/", views.code_reissue, name="code_reissue"),
    path("codes/labels.pdf", views.label_sheet, name="label_sheet"),
]
