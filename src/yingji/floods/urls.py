"""Pages of the floods app (mounted at the site root: keep paths under their own prefix)."""

from django.urls import path

from ..core.ui import private
from . import design_views, views

urlpatterns = [
    path("floods/", private(views.flood_home), name="flood_home"),
    path("floods/inundation/", private(views.inundation_list), name="inundation_list"),
    path("floods/inundation/new/", private(views.inundation_new), name="inundation_new"),
    path("floods/inundation/<int:id>/", private(views.inundation_detail),
         name="inundation_detail"),
    path("floods/inundation/<int:id>/progress/", private(views.inundation_progress),
         name="inundation_progress"),
    path("floods/design-storms/", private(design_views.design_storms), name="flood_design_storms"),
]
