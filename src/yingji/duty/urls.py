"""Pages of the app (mounted at the site root: keep paths under their own prefix)."""

from django.urls import include, path

urlpatterns = [
    path("", include("yingji.duty.urls_desk")),
]
