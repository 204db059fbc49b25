"""Pages of the enforcement app (mounted at the site root, under /cases/)."""

from django.urls import path

from ..core.ui import private
from . import views

urlpatterns = [
    path("cases/", private(views.case_list), name="case_list"),
    path("cases/offsite/", private(views.detection_queue), name="case_detections"),
    path("cases/summons/", private(views.summons_page), name="case_summons"),
    path("cases/figures/", private(views.figures_page), name="case_figures"),
    path("cases/figures.xlsx", private(views.figures_page), {"fmt": "xlsx"}, name="case_figures_xlsx"),
    path("cases/discretion/", private(views.discretion_preview), name="case_discretion"),
    path("cases/verifications/", private(views.verifications_page), name="case_verifications"),
    path("cases/hazard/<int:id>/rectification.pdf", private(views.hazard_rectification_order),
         name="hazard_rectification_order"),
    path("cases/<int:id>/", private(views.case_detail), name="case_detail"),
    path("cases/<int:id>/<str:kind>.pdf", private(views.case_document), name="case_document"),
]
