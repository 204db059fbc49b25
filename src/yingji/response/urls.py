"""Pages of the response app (mounted at the site root: keep paths under their own prefix),
one URL module per subject."""

from django.urls import include, path

urlpatterns = [
    path("", include("yingji.response.urls_levels")),
    path("", include("yingji.response.urls_riskcontrol")),
    path("", include("yingji.response.urls_lastmile")),
    path("", include("yingji.response.urls_evacuation")),
]
