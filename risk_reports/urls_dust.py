"""/risk/dust/: key dust sites, their codes, the township's review, verifications and the duty roster."""
from django.urls import path

from . import views_dust

urlpatterns = [
    path("dust/", views_dust.dust_sites, name="dust_sites"),
    path("dust/<int:pk>/retire/", views_dust.dust_site_retire, name="dust_site_retire"),
    path("dust/codes/", views_dust.dust_codes, name="dust_codes"),
    path("dust/review/", views_dust.dust_review, name="dust_review"),
    path("dust/verifications/", views_dust.dust_escalations, name="dust_escalations"),
    path("dust/duty/", views_dust.duty_roster, name="duty_roster"),
]
