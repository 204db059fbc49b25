"""Pages of the accidents app (mounted at the site root, under /accidents/)."""

from django.urls import path

from ..core.ui import private
from . import views

urlpatterns = [
    path("accidents/", private(views.accident_list), name="accident_list"),
    path("accidents/new/", private(views.accident_new), name="accident_new"),
    path("accidents/figures/", private(views.figures_page), name="accident_figures"),
    path("accidents/targets/", private(views.targets_page), name="accident_targets"),
    path("accidents/<int:id>/", private(views.accident_detail), name="accident_detail"),
    path("accidents/bulletin/<int:year>-<int:month>.pdf", private(views.bulletin_file), {"fmt": "pdf"},
         name="accident_bulletin_pdf"),
    path("accidents/bulletin/<int:year>-<int:month>.xlsx", private(views.bulletin_file), {"fmt": "xlsx"},
         name="accident_bulletin_xlsx"),
]
