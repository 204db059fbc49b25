"""The audit log in a reader's words: record types, actions and changed fields.

The log stores codes (`hazards.hazard`, `hazard.accept`, `first_time`) because they are
what the hash chain and the API hold; a page names them. One place does it:
- a record type by its model's name ("隐患 Hazard" → 隐患 for a Chinese reader), an
  export by the list exported ("导出：隐患台账");
- an action by the words of ACTIONS (a hazard's steps by the loop's own labels);
- a changed field by its model field's name.
What has no name here (a payload key of a batch record, an action another change adds)
is shown as the code it is, marked as code so nobody takes it for untranslated text.
"""

from __future__ import annotations

import re

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..core import exports
from ..core.ui import label_in_language
from ..enforcement.choices import Action as CaseAction
from ..hazards.choices import HazardAction

_CJK = re.compile(r"[\u4e00-\u9fff]")

# Actions as the services write them (core.audit), in words.
ACTIONS = {
    "create": pgettext_lazy("audit action", "Created"),
    "update": pgettext_lazy("audit action", "Changed"),
    "delete": pgettext_lazy("audit action", "Deleted"),
    "import": pgettext_lazy("audit action", "Imported"),
    "export": pgettext_lazy("audit action", "Exported"),
    # alerts
    "issue": pgettext_lazy("audit action", "Issued"),
    "cancel": pgettext_lazy("audit action", "Cancelled"),
    "callup_start": pgettext_lazy("audit action", "Call-up started"),
    "callup_retarget": pgettext_lazy("audit action", "Call-up targets updated"),
    "callup_unreached": pgettext_lazy("audit action", "Superior told of no answer"),
    "notice_batch": pgettext_lazy("audit action", "No-answer notices sent"),
    "acknowledge": pgettext_lazy("audit action", "Acknowledged"),
    "acknowledge_batch": pgettext_lazy("audit action", "Acknowledgements recorded"),
    "feedback": pgettext_lazy("audit action", "Feedback recorded"),
    # messaging
    "create_batch": pgettext_lazy("audit action", "Messages queued"),
    "deliver_batch": pgettext_lazy("audit action", "Messages handed to the gateway"),
    "receipts": pgettext_lazy("audit action", "Delivery receipts recorded"),
    "send": pgettext_lazy("audit action", "Sent"),
    "retry": pgettext_lazy("audit action", "Queued for retry"),
    "fail": pgettext_lazy("audit action", "Failed"),
    "give_up": pgettext_lazy("audit action", "Given up"),
    "deliver": pgettext_lazy("audit action", "Delivered"),
    # hydromet, floods, insurance
    "ingest": pgettext_lazy("audit action", "Observations received"),
    "forecast": pgettext_lazy("audit action", "Forecast made"),
    "calibrate": pgettext_lazy("audit action", "Calibrated"),
    "raise": pgettext_lazy("audit action", "Flood alert raised"),
    "warn": pgettext_lazy("audit action", "Warning issued for the alert"),
    "complete": pgettext_lazy("audit action", "Run completed"),
    "trigger": pgettext_lazy("audit action", "Trigger met"),
    "reevaluate": pgettext_lazy("audit action", "Trigger re-evaluated"),
    "verify": pgettext_lazy("audit action", "Claim verified"),
    "pay": pgettext_lazy("audit action", "Claim payment recorded"),
    # hazards (the loop's steps come from HazardAction below)
    "hazard.register": pgettext_lazy("audit action", "Hazard registered"),
    "hazard.evidence": pgettext_lazy("audit action", "Rectification evidence added"),
    "inspection.create": pgettext_lazy("audit action", "Inspection recorded"),
    "campaign.create": pgettext_lazy("audit action", "Campaign created"),
    "campaign.negative_add": pgettext_lazy("audit action", "Enterprise put on a campaign's negative list"),
    "campaign.negative_remove": pgettext_lazy("audit action", "Enterprise removed from a campaign's negative list"),
    "campaign.outcome_set": pgettext_lazy("audit action", "Campaign outcome and plan set for an enterprise"),
    "campaign.outcome_done": pgettext_lazy("audit action", "Campaign outcome completed"),
    "report.create": pgettext_lazy("audit action", "Public report received"),
    "report.accept": pgettext_lazy("audit action", "Public report accepted"),
    "report.reject": pgettext_lazy("audit action", "Public report rejected"),
    "report.penalty": pgettext_lazy("audit action", "Penalty and reward recorded"),
    # accounts
    "issue_token": pgettext_lazy("audit action", "API token issued"),
    "revoke_token": pgettext_lazy("audit action", "API token revoked"),
    "revoke_tokens": pgettext_lazy("audit action", "API tokens revoked"),
    "login_lockout": pgettext_lazy("audit action", "Login locked after failed attempts"),
    # the response half: duty desk, accidents, response
    "demo_roster": pgettext_lazy("audit action", "Demo roster seeded"),
    "hand_over": pgettext_lazy("audit action", "Shift handed over"),
    "accept": pgettext_lazy("audit action", "Handover accepted"),
    "sign_off": pgettext_lazy("audit action", "Signed off by the leader on duty"),
    "carry_over": pgettext_lazy("audit action", "Open item carried over"),
    "close": pgettext_lazy("audit action", "Closed"),
    "correct": pgettext_lazy("audit action", "Corrected"),
    "supersede": pgettext_lazy("audit action", "Superseded by a correction"),
    "notice.create": pgettext_lazy("audit action", "Notice written"),
    "notice.targets": pgettext_lazy("audit action", "Notice regions set"),
    "notice.read": pgettext_lazy("audit action", "Notice read"),
    "notice.answer": pgettext_lazy("audit action", "Notice answered"),
    "notice.remind": pgettext_lazy("audit action", "Notice reminder sent"),
    "consultation.create": pgettext_lazy("audit action", "Consultation recorded"),
    "consultation.note": pgettext_lazy("audit action", "Consultation note added"),
    "consultation.action": pgettext_lazy("audit action", "Consultation action added"),
    "consultation.action_done": pgettext_lazy("audit action", "Consultation action done"),
    "flag": pgettext_lazy("audit action", "Report flagged (missed or concealed)"),
    "late": pgettext_lazy("audit action", "Limit passed (late)"),
    "accident.create": pgettext_lazy("audit action", "Accident registered"),
    "accident.update": pgettext_lazy("audit action", "Accident changed"),
    "accident.late_report": pgettext_lazy("audit action", "Accident figures reported late (补报)"),
    "accident.figures_not_counted": pgettext_lazy("audit action", "Accident figures recorded, not counted"),
    "accident.investigation": pgettext_lazy("audit action", "Investigation recorded"),
    "accident.investigation_extend": pgettext_lazy("audit action", "Investigation extended"),
    "accident.investigation_overdue": pgettext_lazy("audit action", "Investigation overdue"),
    "accident.check": pgettext_lazy("audit action", "Accountability check recorded"),
    "accident.double_explanation": pgettext_lazy("audit action", "Written explanations recorded"),
    "accident.remedial": pgettext_lazy("audit action", "Remedial supervision recorded"),
    "accident.remedial_item": pgettext_lazy("audit action", "Remedial item added"),
    "accident.remedial_item_close": pgettext_lazy("audit action", "Remedial item closed"),
    "accident.hazard_link": pgettext_lazy("audit action", "Hazard found after the accident linked"),
    "accident.target": pgettext_lazy("audit action", "Control target set"),
    "accident.intake_refused": pgettext_lazy("audit action", "Report not taken as an accident"),
    "response_declare": pgettext_lazy("audit action", "Response declared"),
    "response_raise": pgettext_lazy("audit action", "Response level raised"),
    "response_lower": pgettext_lazy("audit action", "Response level lowered"),
    "response_end": pgettext_lazy("audit action", "Response ended"),
    "response_task_confirm": pgettext_lazy("audit action", "Response task confirmed"),
    "response_task_escalate": pgettext_lazy("audit action", "Response task escalated"),
    "riskcontrol.round_start": pgettext_lazy("audit action", "Control round started"),
    "riskcontrol.round_end": pgettext_lazy("audit action", "Control round ended"),
    "riskcontrol.report": pgettext_lazy("audit action", "Risk point state reported"),
    "move": pgettext_lazy("audit action", "Household moved"),
    "shelter": pgettext_lazy("audit action", "Household sheltered"),
    "return": pgettext_lazy("audit action", "Household returned"),
    "household_steps": pgettext_lazy("audit action", "Household steps sealed"),
    "shelter_redirect": pgettext_lazy("audit action", "Plan households redirected"),
    "state": pgettext_lazy("audit action", "State changed"),
    "action": pgettext_lazy("audit action", "Action recorded"),
    "lastmile_dispatch": pgettext_lazy("audit action", "Warning sent to villages"),
    "lastmile_send": pgettext_lazy("audit action", "Sent to villages by hand"),
    # map (command): reads of a layer, once per reader and layer per half hour
    "map_view": pgettext_lazy("audit action", "Map layer viewed"),
    # supplies (resources): the stock ledger and its adjustments
    "stock_receipt": pgettext_lazy("audit action", "Supplies received"),
    "stock_issue": pgettext_lazy("audit action", "Supplies issued"),
    "stock_transfer_out": pgettext_lazy("audit action", "Supplies transferred out"),
    "stock_transfer_in": pgettext_lazy("audit action", "Supplies transferred in"),
    "stock_adjustment": pgettext_lazy("audit action", "Stock adjusted"),
    "stock_adjustment_request": pgettext_lazy("audit action", "Stock adjustment requested"),
    "stock_adjustment_approved": pgettext_lazy("audit action", "Stock adjustment approved"),
    "stock_adjustment_rejected": pgettext_lazy("audit action", "Stock adjustment rejected"),
    # --- dispatch ---
    "dispatch_create": pgettext_lazy("audit action", "Dispatch ordered"),
    "dispatch_acknowledge": pgettext_lazy("audit action", "Dispatch acknowledged"),
    "dispatch_depart": pgettext_lazy("audit action", "Dispatched team departed"),
    "dispatch_arrive": pgettext_lazy("audit action", "Dispatched team arrived"),
    "dispatch_complete": pgettext_lazy("audit action", "Dispatch completed"),
    "dispatch_cancel": pgettext_lazy("audit action", "Dispatch cancelled"),
    "dispatch_escalate": pgettext_lazy("audit action", "Unacknowledged dispatch escalated"),
    "team_deploy": pgettext_lazy("audit action", "Team deployed"),
    "team_release": pgettext_lazy("audit action", "Team released"),
    # resources: video drills
    "video_nodes_generate": pgettext_lazy("audit action", "Video nodes generated"),
    "video_node_update": pgettext_lazy("audit action", "Video node changed"),
    "video_drill_create": pgettext_lazy("audit action", "Video drill scheduled"),
    "video_drill_start": pgettext_lazy("audit action", "Video drill started by hand"),
    "video_drill_begin": pgettext_lazy("audit action", "Video drill began"),
    "video_drill_end": pgettext_lazy("audit action", "Video drill ended"),
    "video_calls_place": pgettext_lazy("audit action", "Video calls placed"),
    "video_call_record": pgettext_lazy("audit action", "Call outcome recorded"),
    "video_call_event": pgettext_lazy("audit action", "Call event from the video system"),
    # hazardous chemicals
    "hazchem.licence_create": pgettext_lazy("audit action", "Hazardous-chemical licence registered"),
    "hazchem.flow_record": pgettext_lazy("audit action", "Hazardous-chemical flow recorded"),
    "hazchem.work_order_open": pgettext_lazy("audit action", "Hazchem work order opened"),
    "hazchem.work_order_update": pgettext_lazy("audit action", "Hazchem work order updated by a new finding"),
    "hazchem.work_order_accept": pgettext_lazy("audit action", "Hazchem work order accepted"),
    "hazchem.work_order_close": pgettext_lazy("audit action", "Hazchem work order closed"),
    "hazchem.work_order_open_case": pgettext_lazy("audit action", "Case requested from a hazchem work order"),
    "hazchem.work_order_case_opened": pgettext_lazy("audit action", "Case opened from a hazchem work order"),
    "hazchem.work_order_case_refused": pgettext_lazy("audit action", "Case from a hazchem work order not opened"),
    "hazchem.work_order_overdue": pgettext_lazy("audit action", "Hazchem work order overdue, officers told"),
    # enforcement
    "case.open": pgettext_lazy("audit action", "Case filed"),
    "case.step_overdue": pgettext_lazy("audit action", "Case step overdue"),
    "case.transfer": pgettext_lazy("audit action", "Case transferred to the police"),
    "decision.create": pgettext_lazy("audit action", "Penalty decision made"),
    "detection.accept": pgettext_lazy("audit action", "Off-site detection accepted as a case"),
    "detection.dismiss": pgettext_lazy("audit action", "Off-site detection dismissed"),
    "detection.receive": pgettext_lazy("audit action", "Off-site detection received"),
    "evidence.add": pgettext_lazy("audit action", "Evidence added"),
    "stop_order.check": pgettext_lazy("audit action", "Reopening check recorded"),
    "stop_order.check_due": pgettext_lazy("audit action", "Reopening check due"),
    "stop_order.create": pgettext_lazy("audit action", "Stop-production order issued"),
    "summons.follow_up": pgettext_lazy("audit action", "Summons followed up"),
    "summons.record": pgettext_lazy("audit action", "Summons recorded"),
    "transfer": pgettext_lazy("audit action", "Transferred"),
    "verification.due": pgettext_lazy("audit action", "Verification check due"),
    "verification.record": pgettext_lazy("audit action", "Verification check result recorded"),
    "verification.schedule": pgettext_lazy("audit action", "Verification check scheduled"),
}
ACTIONS.update({f"hazard.{value}": label for value, label in HazardAction.choices})
ACTIONS.update({f"case.{value}": label for value, label in CaseAction.choices if f"case.{value}" not in ACTIONS})
# Lists exported by a writer of their own rather than a declared core.exports.Export.
_EXPORT_TITLES = {"enterprises": _("Enterprise register")}
# Bookkeeping models whose verbose name is English only (renaming them would migrate).
_MODEL_NAMES = {"core.audithead": _("Audit chain head"), "hazards.inspectionanswer": _("Inspection answer"),
                "hazards.hazardcounter": _("Hazard number counter"), "hazards.reportwindow": _("Report rate window"),
                "response.lastmilecursor": _("Last-mile warning cursor")}
_MODEL_NAMES["map.layer"] = _("Map layer")  # command's map reads (no model: a layer of the one map)
_ADMIN_PREFIX = "admin-"  # core.admin_audit: an act in Django's admin site


def action_label(action: str) -> str | None:
    """An action in words ('验收销号'); None for an action with no name here."""
    if action.startswith(_ADMIN_PREFIX):
        label = ACTIONS.get(action.removeprefix(_ADMIN_PREFIX))
        return str(_("%(action)s (in the admin site)") % {"action": label}) if label else None
    label = ACTIONS.get(action)
    return str(label) if label is not None else None


def record_type_label(object_type: str) -> str | None:
    """A record type by its name in the reader's language ('叫应'); None when unknown."""
    if object_type.startswith("export."):
        name = object_type.removeprefix("export.")
        export = exports.by_name(name)
        title = export.title if export else _EXPORT_TITLES.get(name)
        return str(_("Export: %(list)s") % {"list": title}) if title else None
    if object_type in _MODEL_NAMES:
        return str(_MODEL_NAMES[object_type])
    model = _model(object_type)
    if model is None:
        return None
    return _named(model._meta.verbose_name)


def field_label(object_type: str, key: str) -> str | None:
    """A changed field by its model field's name ('名称'); None for a key that is no
    named field (a batch record's counts, a snapshot's reverse relation)."""
    model = _model(object_type)
    if model is None:
        return None
    for name in dict.fromkeys((key, key.removesuffix("_id"))):  # a column (region_id) names its field
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        return _named(getattr(field, "verbose_name", None))
    return None


def _model(object_type: str):
    try:
        return apps.get_model(object_type)
    except (LookupError, ValueError):
        return None


def _named(verbose_name) -> str | None:
    """A model's or field's name ("隐患 Hazard", written in both languages for the admin
    and the logs) in the reader's language; None where it has no Chinese name (Django's
    default, made from the code), so that the code is shown as code instead."""
    if verbose_name is None or not _CJK.search(str(verbose_name)):
        return None
    return label_in_language(verbose_name)
