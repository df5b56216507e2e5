from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import views
from .api import router
from .appconfig import declared_urls


def _superuser_only(request):
    # Django's own admin site is for superusers only; every role works through the portal's pages.
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _superuser_only
admin.site.site_header = "监管平台 · 系统管理"

urlpatterns = [
    path("", views.home, name="home"),
    # every installed app's pages, at the prefix it declares (portal.appconfig)
    *[path(prefix, include(module)) for prefix, module in declared_urls()],
    path("api/v1/", include(router.urls)),
    path("api/v1/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Swagger UI only: its scripts come from drf-spectacular-sidecar; ReDoc's template links web fonts.
    # The split view serves its init script as a file (?script): no inline script under the CSP.
    path("api/v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="portal/swagger_ui.html"),
         name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
]
