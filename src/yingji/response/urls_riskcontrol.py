"""Pages of risk points under control."""

from django.urls import path

from ..core.ui import private
from . import views_riskcontrol

urlpatterns = [
    path("response/risk-points/", private(views_riskcontrol.risk_board), name="response_risk_board"),
    path("response/risk-points/import/", private(views_riskcontrol.risk_import), name="response_risk_import"),
    path("response/risk-points/import/template.<str:fmt>", private(views_riskcontrol.risk_import_template),
         name="response_risk_import_template"),
    path("response/risk-points/rounds/new/", private(views_riskcontrol.round_new), name="response_risk_round_new"),
    path("response/risk-points/rounds/<int:id>/end/", private(views_riskcontrol.round_end),
         name="response_risk_round_end"),
    path("response/risk-points/<int:id>/report/", private(views_riskcontrol.risk_report),
         name="response_risk_report"),
]
