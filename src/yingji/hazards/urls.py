"""Pages of the hazards app (mounted at the site root: keep paths under their own prefix)."""

from django.urls import path

from ..core.ui import page, private
from . import views

urlpatterns = [
    path("hazards/", private(views.hazard_list), name="hazard_list"),
    path("hazards/ranking/", private(views.ranking), name="hazard_ranking"),
    path("hazards/<int:id>/", private(views.hazard_detail), name="hazard_detail"),
    path("report/", page(views.report_form), name="hazard_report_form"),
]

# Campaigns and the triage of public reports (views in their own modules).
from . import views_campaigns, views_evidence, views_inspections, views_reports

urlpatterns += [
    path("hazards/campaigns/", private(views_campaigns.campaign_list), name="hazard_campaign_list"),
    path("hazards/campaigns/<int:id>/", private(views_campaigns.campaign_detail), name="hazard_campaign_detail"),
    path("hazards/inspections/new/", private(views_inspections.inspection_new), name="hazard_inspection_new"),
    path("hazards/inspections/<int:id>/", private(views_inspections.inspection_detail),
         name="hazard_inspection_detail"),
    path("hazards/evidence/<int:id>/file", private(views_evidence.evidence_file), name="hazard_evidence_file"),
    path("hazards/reports/", private(views_reports.report_triage), name="hazard_report_triage"),
    path("hazards/reports/<int:id>/", private(views_reports.report_triage_detail),
         name="hazard_report_triage_detail"),
]
