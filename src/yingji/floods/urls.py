"""Pages of the floods app (mounted at the site root: keep paths under their own prefix)."""

from django.urls import path

from ..core.ui import private
from . import design_views, risk_point_views, views

urlpatterns = [
    path("floods/", private(views.flood_home), name="flood_home"),
    path("floods/inundation/", private(views.inundation_list), name="inundation_list"),
    path("floods/inundation/new/", private(views.inundation_new), name="inundation_new"),
    path("floods/inundation/<int:id>/", private(views.inundation_detail),
         name="inundation_detail"),
    path("floods/inundation/<int:id>/progress/", private(views.inundation_progress),
         name="inundation_progress"),
    path("floods/design-storms/", private(design_views.design_storms), name="flood_design_storms"),
    path("floods/risk-points/", private(risk_point_views.risk_point_list), name="risk_point_list"),
    path("floods/risk-points/new/", private(risk_point_views.risk_point_new), name="risk_point_new"),
    path("floods/risk-points/<int:id>/", private(risk_point_views.risk_point_detail), name="risk_point_detail"),
    path("floods/risk-points/<int:id>/edit/", private(risk_point_views.risk_point_edit), name="risk_point_edit"),
]
