"""Pages of the hazards app (mounted at the site root: keep paths under their own prefix)."""

from django.urls import path

from ..core.ui import page, private
from .views import campaigns, checklists, evidence, hazards, inspections, reports, risk_points

urlpatterns = [
    path("hazards/", private(hazards.hazard_list), name="hazard_list"),
    path("hazards/ranking/", private(hazards.ranking), name="hazard_ranking"),
    path("hazards/<int:id>/", private(hazards.hazard_detail), name="hazard_detail"),
    path("hazards/risk-points/<int:risk_point_id>/new/", private(risk_points.hazard_new_at_risk_point),
         name="hazard_new_at_risk_point"),
    path("report/", page(hazards.report_form), name="hazard_report_form"),
    path("hazards/campaigns/", private(campaigns.campaign_list), name="hazard_campaign_list"),
    path("hazards/campaigns/<int:id>/", private(campaigns.campaign_detail), name="hazard_campaign_detail"),
    path("hazards/inspections/", private(inspections.inspection_list), name="hazard_inspection_list"),
    path("hazards/campaigns/new/", private(campaigns.campaign_new), name="hazard_campaign_new"),
    path("hazards/campaigns/<int:id>/edit/", private(campaigns.campaign_edit), name="hazard_campaign_edit"),
    path("hazards/checklists/", private(checklists.checklist_list), name="hazard_checklist_list"),
    path("hazards/checklists/new/", private(checklists.checklist_new), name="hazard_checklist_new"),
    path("hazards/checklists/<int:id>/", private(checklists.checklist_detail), name="hazard_checklist_detail"),
    path("hazards/checklists/<int:id>/edit/", private(checklists.checklist_edit), name="hazard_checklist_edit"),
    path("hazards/checklists/<int:id>/items/<int:item_id>/", private(checklists.checklist_item_edit),
         name="hazard_checklist_item_edit"),
    path("hazards/checklists/<int:id>/items/<int:item_id>/remove/", private(checklists.checklist_item_remove),
         name="hazard_checklist_item_remove"),
    path("hazards/inspections/new/", private(inspections.inspection_new), name="hazard_inspection_new"),
    path("hazards/inspections/<int:id>/", private(inspections.inspection_detail),
         name="hazard_inspection_detail"),
    path("hazards/evidence/<int:id>/file", private(evidence.evidence_file), name="hazard_evidence_file"),
    path("hazards/evidence/<int:id>/thumb", private(evidence.evidence_file), {"variant": "thumb"},
         name="hazard_evidence_thumb"),
    path("hazards/evidence/<int:id>/", private(evidence.evidence_view), name="hazard_evidence_view"),
    path("hazards/reports/", private(reports.report_triage), name="hazard_report_triage"),
    path("hazards/reports/<int:id>/", private(reports.report_triage_detail),
         name="hazard_report_triage_detail"),
]
