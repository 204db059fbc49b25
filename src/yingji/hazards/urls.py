"""Pages of the hazards app (mounted at the site root: keep paths under their own prefix)."""

from django.contrib.auth.decorators import login_required
from django.urls import path

from ..web.errors import page
from . import views


def private(view):
    return login_required(page(view))


urlpatterns = [
    path("hazards/", private(views.hazard_list), name="hazard_list"),
    path("hazards/ranking/", private(views.ranking), name="hazard_ranking"),
    path("hazards/<int:id>/", private(views.hazard_detail), name="hazard_detail"),
    path("report/", page(views.report_form), name="hazard_report_form"),
]
