"""The shapes of the enforcement API: what goes in, what comes out."""

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema
from pydantic import ConfigDict

from .choices import DetectionSource, DetectionState, EvidenceKind, Party, SourceKind, Step, SummonsReason

AMOUNT = {"ge": 0, "le": Decimal("999999999999.99"), "max_digits": 14, "decimal_places": 2}
MITIGATION = Literal["removed_harm", "coerced", "confessed", "meritorious", "other_law"]


class CaseIn(Schema):
    source_kind: SourceKind
    source_id: int | None = Field(None, ge=1, le=2**62)
    party_uscc: str = Field("", max_length=18, description="当事单位；来源为隐患时可省略（默认为隐患所在企业）")
    summary: str = Field(..., min_length=1, max_length=2000)
    always_stop: bool = Field(False, description="两个一律：一律停产整顿")
    always_heavier: bool = Field(False, description="两个一律：一律从重处罚")


class CaseFilter(Schema):
    region: str = Field("", max_length=15)
    state: Step | None = None
    q: str = Field("", max_length=100)


class FactsIn(Schema):
    """The facts of one party for the discretion rules (see enforcement/discretion/rules)."""

    model_config = ConfigDict(extra="forbid")

    provision: str = Field(..., max_length=60)
    party: Party = Party.ENTERPRISE
    party_name: str = Field("", max_length=200)
    illegal_gains: Decimal | None = Field(None, **AMOUNT)
    sales_revenue: Decimal | None = Field(None, **AMOUNT)
    refused: bool = False
    mitigations: list[MITIGATION] = Field(default_factory=list, max_length=5)
    mitigation: Literal["lighter", "reduced"] = "lighter"
    circumstance: Literal["lighter", "ordinary", "heavier"] = "ordinary"
    minor: bool = False
    corrected: bool = False
    harmless: bool = False
    first_violation: bool = False
    slight_harm: bool = False
    waive_first_violation: bool = False


class PreviewIn(Schema):
    decided_on: dt.date | None = None
    decisions: list[FactsIn] = Field(..., min_length=1, max_length=3)


class ActionIn(Schema):
    note: str = Field("", max_length=1000)
    decided_on: dt.date | None = None
    decisions: list[FactsIn] = Field(default_factory=list, max_length=3)
    stop_production: bool = False
    agency: str = Field("", max_length=200)
    evidence_ids: list[int] = Field(default_factory=list, max_length=500)


class EvidenceIn(Schema):
    kind: EvidenceKind
    captured_at: dt.datetime
    place: str = Field("", max_length=200)
    description: str = Field("", max_length=500)


class ReasonOut(Schema):
    zh: str
    en: str


class EvaluationOut(Schema):
    provision: str
    title_zh: str
    rule_version: str
    general_version: str
    source_zh: str
    tier: str
    tier_label_zh: str
    fine_min: Decimal
    fine_max: Decimal
    fine: Decimal
    confiscated: Decimal
    measures: list[str]
    no_penalty: bool
    mitigated: str
    reasons: list[ReasonOut]


class StepOut(Schema):
    id: int
    step: Step
    opened_at: dt.datetime
    due_at: dt.datetime | None
    completed_at: dt.datetime | None
    completed_by: str
    note: str
    light: str

    @staticmethod
    def resolve_completed_by(obj) -> str:
        return obj.completed_by.username if obj.completed_by_id else ""


class DecisionOut(Schema):
    id: int
    party: Party
    party_name: str
    provision: str
    rule_version: str
    general_version: str
    tier: str
    fine: Decimal
    confiscated: Decimal
    no_penalty: bool
    measures: list[str]
    reasons: list[ReasonOut]
    decided_on: dt.date


class EvidenceOut(Schema):
    id: int
    kind: EvidenceKind
    sha256: str
    size: int
    captured_at: dt.datetime
    place: str
    description: str
    original_name: str
    added_at: dt.datetime


class StopOrderOut(Schema):
    id: int
    ordered_at: dt.datetime
    check_due_at: dt.datetime
    checked_at: dt.datetime | None
    check_outcome: str
    light: str


class TransferOut(Schema):
    agency: str
    reason: str
    transferred_at: dt.datetime
    evidence_ids: list[int]


class CaseOut(Schema):
    id: int
    number: str
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.name")
    party_uscc: str
    party_name: str = Field(..., alias="enterprise.name")
    source_kind: SourceKind
    source_id: int | None
    hazard_id: int | None
    summary: str
    state: Step
    light: str
    always_stop: bool
    always_heavier: bool
    created_at: dt.datetime


class CaseDetail(CaseOut):
    steps: list[StepOut]
    decisions: list[DecisionOut]
    evidence: list[EvidenceOut]
    stop_orders: list[StopOrderOut]
    transfer: TransferOut | None = Field(None, alias="police_transfer")
    three_penalties: bool
    allowed_actions: list[str]


class VerifyItem(Schema):
    id: int
    sha256: str
    actual_sha256: str
    intact: bool


class VerifyOut(Schema):
    intact: bool
    items: list[VerifyItem]


class CustodyOut(Schema):
    evidence_id: int
    action: str
    at: dt.datetime
    by: str
    intact: bool | None

    @staticmethod
    def resolve_by(obj) -> str:
        return obj.by.username if obj.by_id else ""


class CheckIn(Schema):
    outcome: str = Field(..., min_length=1, max_length=500)


class FiguresQuery(Schema):
    region: str = Field("", max_length=15)
    start: dt.date | None = Field(None, alias="from")
    end: dt.date | None = Field(None, alias="to")


class Figures(Schema):
    """A region's enforcement figures of a period (also the ranking's columns)."""
    cases: int
    fines: Decimal
    confiscated: Decimal
    stop_orders: int
    transfers: int
    three_penalties: int


class FiguresRow(Figures):
    region: str
    name: str


class FiguresOut(Schema):
    region: str
    start: dt.date = Field(..., alias="from")
    end: dt.date = Field(..., alias="to")
    total: FiguresRow
    items: list[FiguresRow]


class DetectionIn(Schema):
    source: DetectionSource
    kind: str = Field(..., min_length=1, max_length=40)
    detected_at: dt.datetime
    region: str = Field("", max_length=15, description="where, when no enterprise is named")
    party_uscc: str = Field("", max_length=18)
    confidence: float = Field(1.0, ge=0, le=1)
    place: str = Field("", max_length=200)
    # Numbers only (strict: "28.3" or true is no latitude); range and pairing are the service's.
    lat: float | None = Field(None, strict=True, allow_inf_nan=False, description="WGS-84 degrees, with lon")
    lon: float | None = Field(None, strict=True, allow_inf_nan=False, description="WGS-84 degrees, with lat")
    media_url: str = Field("", max_length=500)
    media_sha256: str = Field("", max_length=64)
    device_id: str = Field("", max_length=100)
    detection_id: str = Field("", max_length=100,
                              description="the sender's id of the detection: sent again, it is recorded once")


class DetectionFilter(Schema):
    state: DetectionState | None = None
    region: str = Field("", max_length=15)


class DetectionOut(Schema):
    id: int
    region: str = Field(..., alias="region_id")
    enterprise_id: int | None
    source: DetectionSource
    device_id: str
    detection_id: str = Field(..., alias="external_id")
    kind: str
    confidence: float
    detected_at: dt.datetime
    place: str
    lat: float | None
    lon: float | None
    media_url: str
    media_sha256: str
    state: DetectionState
    rule_reason: str
    dismiss_reason: str
    case_id: int | None


class AcceptIn(Schema):
    summary: str = Field("", max_length=2000)
    case_id: int | None = Field(None, ge=1, le=2**62,
                                description="add the detection to this open case (the same event seen by "
                                            "another device) instead of opening a new one")


class DismissIn(Schema):
    reason: str = Field(..., min_length=1, max_length=500)


class SummonsIn(Schema):
    summoned: str = Field(..., min_length=1, max_length=200, description="the enterprise or government summoned")
    reason: SummonsReason
    held_at: dt.datetime
    commitments: str = Field(..., min_length=1, max_length=5000)
    follow_up_days: int = Field(30, ge=1, le=365)
    region: str = Field("", max_length=15)
    party_uscc: str = Field("", max_length=18)
    attendees: str = Field("", max_length=500)


class SummonsFilter(Schema):
    region: str = Field("", max_length=15)
    open: bool = False


class SummonsOut(Schema):
    id: int
    region: str = Field(..., alias="region_id")
    enterprise_id: int | None
    summoned: str
    reason: SummonsReason
    held_at: dt.datetime
    attendees: str
    commitments: str
    follow_up_due_at: dt.datetime
    followed_up_at: dt.datetime | None
    follow_up_outcome: str
    light: str


class FollowUpIn(Schema):
    outcome: str = Field(..., min_length=1, max_length=1000)


class VerificationIn(Schema):
    hazard_id: int = Field(..., ge=1, le=2**62, description="已提交验收或已销号的重大隐患")
    due_at: dt.datetime = Field(..., description="核查时间，须晚于现在")
    note: str = Field("", max_length=500)


class VerificationFilter(Schema):
    hazard_id: int | None = Field(None, ge=1, le=2**62)
    result: Literal["pending", "passed", "failed"] | None = None


class VerificationResultIn(Schema):
    result: str = Field("", max_length=10, description="passed（通过）或 failed（未通过，自动立案）")
    findings: str = Field("", max_length=2000)


class VerificationOut(Schema):
    id: int
    hazard_id: int
    hazard_number: str = Field(..., alias="hazard.number")
    region: str = Field(..., alias="region_id")
    enterprise_id: int
    due_at: dt.datetime
    note: str
    result: Literal["pending", "passed", "failed"]
    findings: str
    evidence_sha256: str
    recorded_at: dt.datetime | None
    case_id: int | None
    case_number: str | None = Field(None, alias="case.number")
    light: str
