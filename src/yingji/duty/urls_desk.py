"""Pages of the duty desk (roster and log), under /duty/."""

from django.urls import path

from ..core.ui import private
from . import views_desk as views

urlpatterns = [
    path("duty/", private(views.duty_home), name="duty_home"),
    path("duty/roster/", private(views.roster_page), name="duty_roster"),
    path("duty/roster/import/", private(views.roster_import_page), name="duty_roster_import"),
    path("duty/roster/template.xlsx", private(views.roster_template), name="duty_roster_template"),
    path("duty/log/", private(views.log_list), name="duty_log"),
    path("duty/log/<int:id>/", private(views.log_detail), name="duty_log_detail"),
    path("duty/handovers/new/", private(views.handover_new), name="duty_handover_new"),
    path("duty/handovers/<int:id>/", private(views.handover_detail), name="duty_handover"),
]
