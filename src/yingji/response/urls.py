"""Pages of the app (mounted at the site root: keep paths under their own prefix)."""

from django.urls import path

from ..core.ui import private
from . import views_lastmile

urlpatterns = [
    path("response/last-mile/", private(views_lastmile.lastmile_home), name="lastmile_home"),
    path("response/last-mile/warnings/<int:id>/", private(views_lastmile.lastmile_warning),
         name="lastmile_warning"),
]
