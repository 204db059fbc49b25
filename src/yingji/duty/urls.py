"""Pages of the duty app (mounted at the site root: keep paths under their own prefix),
one URL module per subject."""

from django.urls import include, path

urlpatterns = [
    path("", include("yingji.duty.urls_desk")),
    path("", include("yingji.duty.urls_notices")),
    path("", include("yingji.duty.urls_reports")),
]
