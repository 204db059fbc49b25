from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("yingji.alerts.urls")),
    path("", include("yingji.hazards.urls")),
    path("", include("yingji.floods.urls")),
    path("", include("yingji.insurance.urls")),
    path("", include("yingji.hydromet.urls")),
    path("", include("yingji.duty.urls")),
    path("", include("yingji.accidents.urls")),
    path("", include("yingji.response.urls")),
    path("", include("yingji.resources.urls")),
    path("", include("yingji.enforcement.urls")),
    path("", include("yingji.command.urls")),
    path("", include("yingji.hazchem.urls")),
    path("", include("yingji.web.urls")),
]

handler400 = "yingji.core.handlers.bad_request"
handler403 = "yingji.core.handlers.permission_denied"
handler404 = "yingji.core.handlers.page_not_found"
handler500 = "yingji.core.handlers.server_error"
