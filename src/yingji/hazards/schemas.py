"""The shapes of the hazards API (django-ninja schemas): what goes in, what comes out."""

import datetime as dt
from decimal import Decimal

from ninja import Field, Schema

from ..core.ui import actor_label
from ..enforcement.schemas import Figures as EnforcementFigures  # the ranking's columns: shown, not scored
from .choices import (
    Answer,
    CampaignOutcomeKind,
    HazardCategory,
    HazardLevel,
    HazardSource,
    HazardState,
    InspectionKind,
    Light,
    ReportState,
)
from .lights import light

# Hazards -----------------------------------------------------------------------

class HazardOut(Schema):
    id: int
    number: str
    enterprise_id: int | None = Field(None, description="null for a hazard at a risk point")
    enterprise_name: str | None = Field(None, alias="enterprise.name")
    risk_point_id: int | None = Field(None, description="the risk point (风险点) where it was found, else null")
    risk_point_name: str | None = Field(None, alias="risk_point.name")
    region: str = Field(..., alias="region_id")
    location: str
    description: str
    category: HazardCategory
    source: HazardSource
    level: HazardLevel
    state: HazardState
    found_on: dt.date
    deadline: dt.date
    closed_on: dt.date | None
    supervised: bool
    light: Light

    @staticmethod
    def resolve_light(obj):
        return light(state=obj.state, deadline=obj.deadline)


class EvidenceOut(Schema):
    id: int
    text: str
    file: str
    at: dt.datetime

    @staticmethod
    def resolve_file(obj):
        return obj.file.name or ""


class EventOut(Schema):
    at: dt.datetime
    actor: str = Field(..., alias="actor_name")
    action: str
    from_state: str
    to_state: str
    reason: str
    data: dict
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_evidence(obj):
        return list(obj.evidence.all())


class PlanOut(Schema):
    goal: str
    measures: str
    funds: Decimal
    materials: str
    people: str
    deadline: dt.date
    safety_measures: str
    contingency_plan: str


class HazardDetail(HazardOut):
    responsible_id: int | None
    officer_id: int | None
    inspection_id: int | None
    campaign_id: int | None
    allowed: list[str]
    actions: list[str] = Field(..., description="what the caller may do now")
    timeline: list[EventOut]
    plan: PlanOut | None
    pending_evidence: list[EvidenceOut]

    @staticmethod
    def resolve_plan(obj):
        return getattr(obj, "plan", None)


class HazardFilter(Schema):
    region: str = Field("", max_length=15, description="region code: hazards found in its subtree")
    state: HazardState | None = None
    level: HazardLevel | None = None
    source: HazardSource | None = None
    enterprise: int | None = Field(None, ge=1, le=2**62)
    risk_point: int | None = Field(None, ge=1, le=2**62)
    campaign: int | None = Field(None, ge=1, le=2**62)
    overdue: bool | None = None
    light: Light | None = None
    q: str = Field("", max_length=100, description="text in the number, description or enterprise name")


class HazardIn(Schema):
    enterprise_id: int | None = Field(None, ge=1, le=2**62, description="the enterprise, or")
    risk_point_id: int | None = Field(None, ge=1, le=2**62, description="the risk point (exactly one of the two)")
    description: str = Field(..., min_length=1, max_length=5000)
    level: HazardLevel = HazardLevel.GENERAL
    deadline: dt.date
    found_on: dt.date | None = None
    location: str = Field("", max_length=200)
    category: HazardCategory = HazardCategory.OTHER
    source: HazardSource = HazardSource.INSPECTION
    responsible_id: int | None = Field(None, ge=1, le=2**62)


class PlanIn(Schema):
    goal: str = Field(..., min_length=1, max_length=5000)
    measures: str = Field(..., min_length=1, max_length=5000)
    funds: Decimal = Field(..., ge=0, le=Decimal(999999999999))
    materials: str = Field("", max_length=5000)
    people: str = Field(..., min_length=1, max_length=2000)
    deadline: dt.date
    safety_measures: str = Field(..., min_length=1, max_length=5000)
    contingency_plan: str = Field(..., min_length=1, max_length=5000)


class ActionIn(Schema):
    reason: str = Field("", max_length=2000, description="required for return, escalate, downgrade")
    evidence_text: str = Field("", max_length=5000, description="evidence for submit and fix_on_spot")
    expert: str = Field("", max_length=200, description="the expert at a major hazard's acceptance")
    plan: PlanIn | None = Field(None, description="the treatment plan, for the action 'plan'")


class TransitionError(Schema):
    error: dict


# Inspections -------------------------------------------------------------------

class AnswerIn(Schema):
    item: str = Field(..., max_length=20, description="the checklist item's code")
    answer: Answer
    note: str = Field("", max_length=500)


class InspectionIn(Schema):
    enterprise_id: int = Field(..., ge=1, le=2**62)
    kind: InspectionKind
    date: dt.date
    template: str = Field("", max_length=60, description="checklist code")
    answers: list[AnswerIn] = Field(default_factory=list, max_length=500)
    inspector_ids: list[int] = Field(default_factory=list, max_length=20)
    campaign_id: int | None = Field(None, ge=1, le=2**62)
    note: str = Field("", max_length=5000)
    no_hazard_found: bool = Field(False, description="confirm an inspection with no item answered found nothing")


class InspectionOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str = Field(..., alias="enterprise.name")
    region: str = Field(..., alias="region_id")
    kind: InspectionKind
    date: dt.date
    template: str | None
    campaign_id: int | None
    inspector_ids: list[int]

    @staticmethod
    def resolve_template(obj):
        return obj.template.code if obj.template_id else None

    @staticmethod
    def resolve_inspector_ids(obj):
        return sorted(p.pk for p in obj.inspectors.all())


class AnswerOut(Schema):
    item: str = Field(..., alias="item.code")
    text: str = Field(..., alias="item.text")
    answer: Answer
    note: str


class InspectionDetail(InspectionOut):
    note: str
    answers: list[AnswerOut]
    hazards: list[HazardOut]

    @staticmethod
    def resolve_answers(obj):
        return list(obj.answers.all())

    @staticmethod
    def resolve_hazards(obj):
        return list(obj.hazards.select_related("enterprise", "risk_point"))


class InspectionFilter(Schema):
    region: str = Field("", max_length=15)
    enterprise: int | None = Field(None, ge=1, le=2**62)
    kind: InspectionKind | None = None
    campaign: int | None = Field(None, ge=1, le=2**62)


# Checklists --------------------------------------------------------------------

class ItemOut(Schema):
    code: str
    group: str
    text: str
    clause: str
    category: HazardCategory
    major_if_no: bool


class ChecklistOut(Schema):
    code: str
    name: str
    source: str
    description: str
    items: list[ItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


# Campaigns ---------------------------------------------------------------------

class CampaignIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    region: str = Field(..., max_length=15)
    start: dt.date
    end: dt.date
    industry: str = Field("", max_length=30)
    tag: str = Field("", max_length=50)
    template: str = Field("", max_length=60)
    description: str = Field("", max_length=5000)


class CampaignOut(Schema):
    id: int
    name: str
    region: str = Field(..., alias="region_id")
    industry: str
    tag: str | None
    template: str | None
    start: dt.date
    end: dt.date

    @staticmethod
    def resolve_tag(obj):
        return obj.tag.name if obj.tag_id else None

    @staticmethod
    def resolve_template(obj):
        return obj.template.code if obj.template_id else None


class CoverageOut(Schema):
    total: int
    inspected: int
    coverage: float | None
    found: int
    closed: int
    major_found: int
    regulate: int = Field(..., description="规范一批: enterprises the campaign brings into line")
    upgrade: int = Field(..., description="提升一批: enterprises it upgrades")
    close: int = Field(..., description="关停一批: enterprises it closes")
    outcomes_done: int = Field(..., description="outcomes whose plan is completed")


class NegativeOut(Schema):
    enterprise_id: int
    name: str
    region: str
    open_major: bool
    repeated: bool


def _who(user) -> str | None:
    return actor_label(user, user.username) if user is not None else None


class NegativeEntryIn(Schema):
    enterprise_id: int = Field(..., ge=1, le=2**62)
    reason: str = Field(..., min_length=1, max_length=500)


class RemoveIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


class NegativeEntryOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str = Field(..., alias="enterprise.name")
    region: str = Field(..., alias="enterprise.region_id")
    reason: str
    added_by: str | None
    added_at: dt.datetime
    removed_by: str | None
    removed_at: dt.datetime | None
    removed_reason: str

    @staticmethod
    def resolve_added_by(obj):
        return _who(obj.added_by)

    @staticmethod
    def resolve_removed_by(obj):
        return _who(obj.removed_by)


class SuggestedOut(NegativeOut):
    kept: bool = Field(..., description="already on the kept list")


class NegativeListOut(Schema):
    kept: list[NegativeEntryOut] = Field(..., description="kept by officers, the removed ones too (history)")
    suggested: list[SuggestedOut] = Field(..., description="the rule-based suggestion")


class OutcomeIn(Schema):
    enterprise_id: int = Field(..., ge=1, le=2**62)
    outcome: CampaignOutcomeKind
    measures: str = Field(..., min_length=1, max_length=5000)
    responsible: str = Field(..., min_length=1, max_length=100)
    due_at: dt.date


class OutcomeDoneIn(Schema):
    done_on: dt.date
    note: str = Field("", max_length=500)


class OutcomeOut(Schema):
    id: int
    enterprise_id: int
    enterprise_name: str = Field(..., alias="enterprise.name")
    outcome: CampaignOutcomeKind
    measures: str
    responsible: str
    due_at: dt.date
    done_on: dt.date | None
    done_note: str


class CampaignDetail(CampaignOut):
    description: str
    coverage: CoverageOut
    negative_list: list[NegativeOut]


# Public reports ----------------------------------------------------------------

class ReportIn(Schema):
    region: str = Field(..., max_length=15, description="county or township code where the hazard is")
    description: str = Field(..., min_length=5, max_length=5000)
    enterprise_name: str = Field("", max_length=200)
    address: str = Field("", max_length=300)
    contact: str = Field("", max_length=100, description="optional: phone or e-mail for the reward")


class ReportReceipt(Schema):
    id: int
    state: ReportState
    created_at: dt.datetime


class ReportOut(ReportReceipt):
    region: str = Field(..., alias="region_id")
    description: str
    enterprise_name: str
    address: str
    contact: str
    reject_reason: str
    enterprise_id: int | None
    hazard_id: int | None
    fine: Decimal | None
    reward: Decimal | None

    @staticmethod
    def resolve_hazard_id(obj):
        hazard = getattr(obj, "hazard", None)
        return hazard.pk if hazard else None


class RejectIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


class AcceptIn(Schema):
    enterprise_id: int = Field(..., ge=1, le=2**62)
    deadline: dt.date
    level: HazardLevel = HazardLevel.GENERAL
    category: HazardCategory = HazardCategory.OTHER
    description: str = Field("", max_length=5000)


class PenaltyIn(Schema):
    fine: Decimal = Field(..., gt=0, le=Decimal(999999999))


class ReportFilter(Schema):
    state: ReportState | None = None


# Regional figures and ranking ----------------------------------------------------

class PeriodQuery(Schema):
    region: str = Field(..., max_length=15)
    start: dt.date = Field(..., alias="from")
    end: dt.date = Field(..., alias="to")


class RankingQuery(PeriodQuery):
    bottom: int | None = Field(None, ge=0, le=1000, description="summons list size; capped at a share of the units")


class FiguresOut(Schema):
    region: str
    name: str
    found: int
    closed: int
    rectification_rate: float | None
    overdue: int
    major_found: int
    major_closed: int
    supervised: int
    inspections: int
    inspected_enterprises: int
    enterprises: int
    coverage: float | None


class RankedOut(FiguresOut):
    index: float
    rank: int
    enforcement: EnforcementFigures


class RankingOut(Schema):
    region: str
    name: str
    weights: dict[str, float]
    items: list[RankedOut]
    bottom: list[RankedOut]
