"""Pages of the last mile: terminals and devices, and what a warning reached."""

from django.urls import path

from ..core.ui import private
from . import views_lastmile

urlpatterns = [
    path("response/last-mile/", private(views_lastmile.lastmile_home), name="lastmile_home"),
    path("response/last-mile/warnings/<int:id>/", private(views_lastmile.lastmile_warning),
         name="lastmile_warning"),
]
