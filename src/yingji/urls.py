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
    path("", include("yingji.web.urls")),
]
