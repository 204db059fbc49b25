"""Pages of the app (mounted at the site root: keep paths under their own prefix),
one URL module per subject."""

from django.urls import include, path  # noqa: F401

urlpatterns = [
    path("", include("yingji.resources.urls_supplies")),
    path("", include("yingji.resources.urls_videodrills")),
    path("", include("yingji.resources.urls_teams")),
    path("", include("yingji.resources.urls_dispatch")),
]
