"""Pages of the hydromet app (mounted at the site root: keep paths under their own prefix)."""

from django.urls import path

from ..core.ui import private
from . import views

urlpatterns = [
    path("stations/", private(views.station_list), name="station_list"),
    path("stations/new/", private(views.station_new), name="station_new"),
    path("stations/<str:code>/", private(views.station_detail), name="station_detail"),
    path("stations/<str:code>/edit/", private(views.station_edit), name="station_edit"),
]
