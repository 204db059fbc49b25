"""Pages of emergency information reports (信息报送), under /info-reports/."""

from django.urls import path

from ..core.ui import page, private
from . import views_reports as views

urlpatterns = [
    path("info-reports/", private(views.info_report_list), name="info_report_list"),
    path("info-reports/new/", private(views.info_report_new), name="info_report_new"),
    path("info-reports/late/", private(views.info_report_late), name="info_report_late"),
    path("info-reports/<int:id>/", private(views.info_report_detail), name="info_report_detail"),
    path("info-reports/<int:id>/followup/", private(views.info_report_followup), name="info_report_followup"),
    path("info-reports/<int:id>/final/", private(views.info_report_final), name="info_report_final"),
    # The link in the SMS: no login, the signed token is the key.
    path("info-reports/ack/<str:token>/", page(views.info_report_ack), name="info_report_ack"),
]
