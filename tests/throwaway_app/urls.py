from django.http import HttpResponse
from django.urls import path

app_name = "throwaway"


def page(request):
    return HttpResponse("临时应用的页面")


urlpatterns = [path("", page, name="page"), path("figures/", page, name="figures")]
