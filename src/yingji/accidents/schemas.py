"""The shapes of the accidents API: what goes in, what comes out."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from ninja import Field, Schema

from .choices import AccidentGrade, AccidentKind, CheckTarget, Industry

COUNT = {"ge": 0, "le": 100_000}
LOSS = {"ge": 0, "le": Decimal("999999999999.99"), "max_digits": 14, "decimal_places": 2}


class AccidentIn(Schema):
    occurred_at: dt.datetime
    region: str = Field(..., max_length=15)
    enterprise_id: int | None = None
    party_name: str = Field("", max_length=200, description="the unit or person when not in the register")
    party_uscc: str = Field("", max_length=18)
    industry: Industry
    kind: AccidentKind
    deaths: int = Field(0, **COUNT)
    serious_injuries: int = Field(0, **COUNT)
    direct_loss: Decimal = Field(Decimal(0), **LOSS)
    description: str = Field("", max_length=5000)
    place: str = Field("", max_length=200)


class AccidentPatch(Schema):
    deaths: int | None = Field(None, **COUNT)
    serious_injuries: int | None = Field(None, **COUNT)
    direct_loss: Decimal | None = Field(None, **LOSS)
    reason: str = Field("", max_length=500)
    description: str | None = Field(None, max_length=5000)
    place: str | None = Field(None, max_length=200)
    industry: Industry | None = None
    kind: AccidentKind | None = None
    party_name: str | None = Field(None, max_length=200)
    party_uscc: str | None = Field(None, max_length=18)


class AccidentOut(Schema):
    id: int
    occurred_at: dt.datetime
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.name")
    place: str
    enterprise_id: int | None
    unit_name: str
    party_uscc: str
    industry: Industry
    kind: AccidentKind
    deaths: int
    serious_injuries: int
    direct_loss: Decimal
    grade: AccidentGrade
    description: str


class VersionOut(Schema):
    seq: int
    deaths: int
    serious_injuries: int
    direct_loss: Decimal
    grade: AccidentGrade
    reason: str
    counted: bool
    late_report: bool
    at: dt.datetime


class InvestigationOut(Schema):
    leader: str
    members: str
    units: str
    due_on: dt.date
    extended_to: dt.date | None
    extension_reason: str
    deadline: dt.date
    findings: str
    cause: str
    responsible_units: str
    responsible_people: str
    penalties_proposed: str
    enforcement_ref: str
    concluded_on: dt.date | None


class CheckOut(Schema):
    target: CheckTarget
    outcome: str
    checked_on: dt.date | None


class ExplanationOut(Schema):
    required: bool
    government_text: str
    government_received_on: dt.date | None
    department_text: str
    department_received_on: dt.date | None


class RemedialItemOut(Schema):
    id: int
    text: str
    due_on: dt.date | None
    closed_on: dt.date | None
    closing_note: str


class RemedialOut(Schema):
    id: int
    region: str = Field(..., alias="region_id")
    start: dt.date
    scope_text: str
    items: list[RemedialItemOut]

    @staticmethod
    def resolve_items(obj):
        return list(obj.items.all())


class HazardLinkOut(Schema):
    hazard_id: int
    number: str = Field(..., alias="hazard.number")
    description: str = Field(..., alias="hazard.description")
    state: str = Field(..., alias="hazard.state")


class ChangeOut(Schema):
    counted: bool
    message: str


class AccidentDetail(AccidentOut):
    late_report_days: int
    versions: list[VersionOut]
    investigation: InvestigationOut | None
    checks: list[CheckOut]
    double_explanation: ExplanationOut | None
    remedials: list[RemedialOut]
    hazards: list[HazardLinkOut]
    change: ChangeOut | None = None

    @staticmethod
    def resolve_versions(obj):
        return list(obj.versions.all())

    @staticmethod
    def resolve_investigation(obj):
        return _one(obj, "investigation")

    @staticmethod
    def resolve_checks(obj):
        return list(obj.checks.all())

    @staticmethod
    def resolve_double_explanation(obj):
        return _one(obj, "double_explanation")

    @staticmethod
    def resolve_remedials(obj):
        return list(obj.remedials.prefetch_related("items"))

    @staticmethod
    def resolve_hazards(obj):
        return list(obj.hazard_links.select_related("hazard"))


def _one(obj, name: str):
    """A one-to-one row, or None while there is none."""
    try:
        return getattr(obj, name)
    except ObjectDoesNotExist:
        return None


class AccidentFilter(Schema):
    region: str = Field("", max_length=15)
    start: dt.date | None = Field(None, alias="from")
    end: dt.date | None = Field(None, alias="to")
    grade: AccidentGrade | None = None
    kind: AccidentKind | None = None
    industry: Industry | None = None
    q: str = Field("", max_length=100)


class FiguresQuery(Schema):
    region: str = Field("", max_length=15)
    start: dt.date | None = Field(None, alias="from")
    end: dt.date | None = Field(None, alias="to")
    group_by: str = Field("region", max_length=20)


class InvestigationIn(Schema):
    leader: str | None = Field(None, max_length=100)
    members: str | None = Field(None, max_length=5000)
    units: str | None = Field(None, max_length=5000)
    findings: str | None = Field(None, max_length=20000)
    cause: str | None = Field(None, max_length=20000)
    responsible_units: str | None = Field(None, max_length=5000)
    responsible_people: str | None = Field(None, max_length=5000)
    penalties_proposed: str | None = Field(None, max_length=20000)
    enforcement_ref: str | None = Field(None, max_length=100)
    concluded_on: dt.date | None = None


class ExtensionIn(Schema):
    days: int = Field(..., ge=-1000, le=1000)
    reason: str = Field(..., max_length=500)


class CheckIn(Schema):
    target: CheckTarget
    outcome: str = Field("", max_length=5000)
    checked_on: dt.date | None = None


class ExplanationIn(Schema):
    required: bool | None = None
    government_text: str | None = Field(None, max_length=20000)
    government_received_on: dt.date | None = None
    department_text: str | None = Field(None, max_length=20000)
    department_received_on: dt.date | None = None


class RemedialItemIn(Schema):
    text: str = Field(..., min_length=1, max_length=500)
    due_on: dt.date | None = None


class RemedialIn(Schema):
    region: str = Field(..., max_length=15)
    start: dt.date
    scope_text: str = Field("", max_length=5000)
    items: list[RemedialItemIn] = Field(default_factory=list, max_length=200)


class ItemCloseIn(Schema):
    closed_on: dt.date
    note: str = Field("", max_length=500)


class AccidentHazardIn(Schema):
    enterprise_id: int
    description: str = Field(..., min_length=1, max_length=2000)
    deadline: dt.date
    level: str = Field("general", max_length=20)
    category: str = Field("other", max_length=30)
    location: str = Field("", max_length=200)


class TargetIn(Schema):
    region: str = Field(..., max_length=15)
    year: int = Field(..., ge=2000, le=2100)
    max_accidents: int = Field(..., ge=0, le=1_000_000)
    max_deaths: int = Field(..., ge=0, le=1_000_000)


class TargetOut(Schema):
    id: int
    region: str = Field(..., alias="region_id")
    name: str = Field(..., alias="region.name")
    year: int
    max_accidents: int
    max_deaths: int


class TargetQuery(Schema):
    year: int | None = Field(None, ge=2000, le=2100)
    region: str = Field("", max_length=15)


class OverdueOut(Schema):
    accident_id: int = Field(..., alias="investigation.accident_id")
    region: str = Field(..., alias="investigation.accident.region_id")
    kind: str
    due_at: dt.datetime


class TargetUse(Schema):
    year: int
    max_accidents: int
    max_deaths: int
    accidents_used: float | None = Field(..., description="percent of the target used")
    deaths_used: float | None


class FigureRow(Schema):
    key: str
    name: str
    region: str | None = None
    accidents: int
    deaths: int
    serious_injuries: int
    direct_loss: Decimal
    target: TargetUse | None = None
    rank: int | None = None


class Totals(Schema):
    accidents: int
    deaths: int
    serious_injuries: int
    direct_loss: Decimal
    target: TargetUse | None = None


class PreviousYear(Totals):
    start: dt.date = Field(..., alias="from")
    end: dt.date = Field(..., alias="to")


class FiguresOut(Schema):
    region: str
    name: str
    start: dt.date = Field(..., alias="from")
    end: dt.date = Field(..., alias="to")
    group_by: str
    items: list[FigureRow]
    total: Totals
    previous_year: PreviousYear
    change: dict


class RankingOut(Schema):
    region: str
    items: list[FigureRow]
