"""Request and response shapes of the hazardous-chemical API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Literal

from ninja import Field, Schema

QUANTITY = {"gt": 0, "le": Decimal("9999999999.999"), "max_digits": 13, "decimal_places": 3}
AMOUNT = {"ge": 0, "le": Decimal("9999999999999.99"), "max_digits": 15, "decimal_places": 2}


class ChemicalQuery(Schema):
    q: str = Field("", max_length=100, description="part of the name, an alias or a CAS number")
    highly_toxic: bool | None = None
    explosive_precursor: bool | None = None


class ChemicalOut(Schema):
    id: int
    serial_no: int | None
    name: str
    aliases: list[str] = Field(alias="alias_list")
    cas: list[str] = Field(alias="cas_list")
    highly_toxic: bool
    explosive_precursor: bool
    precursor_class: str
    requires_use_permit: bool


class ChemicalBrief(Schema):
    id: int
    name: str
    cas: list[str] = Field(alias="cas_list")


class LicenceQuery(Schema):
    holder_uscc: str = Field("", max_length=18)
    kind: Literal["", "production", "trading", "use"] = ""
    region: str = Field("", max_length=12)


class LicenceIn(Schema):
    holder_uscc: str = Field(max_length=18, description="the holder's 统一社会信用代码 (in the register)")
    kind: Literal["production", "trading", "use"]
    number: str = Field(min_length=1, max_length=60)
    chemical_ids: list[int] = Field(default_factory=list, max_length=3000)
    all_listed: bool = Field(False, description="the licence covers every listed chemical (as it reads)")
    valid_from: dt.date
    valid_to: dt.date
    authority: str = Field(min_length=1, max_length=100)


class LicenceOut(Schema):
    id: int
    holder_uscc: str = Field(alias="enterprise.uscc")
    holder_name: str = Field(alias="enterprise.name")
    region: str = Field(alias="enterprise.region_id")
    kind: str
    number: str
    all_listed: bool
    chemicals: list[ChemicalBrief]
    valid_from: dt.date
    valid_to: dt.date
    authority: str

    @staticmethod
    def resolve_chemicals(obj):
        return list(obj.chemicals.all())


class FlowIn(Schema):
    direction: Literal["in", "out"]
    date: dt.date
    cas: str = Field("", max_length=40)
    chemical_id: int | None = None
    quantity: Decimal = Field(**QUANTITY)
    unit: Literal["t", "kg"]
    counterparty_uscc: str = Field(max_length=18)
    amount: Decimal = Field(**AMOUNT)
    enterprise_id: int | None = Field(None, description="officers only: the enterprise whose flow it is")


class FlowQuery(Schema):
    direction: Literal["", "in", "out"] = ""
    start: dt.date | None = Field(None, alias="from")
    end: dt.date | None = Field(None, alias="to")
    region: str = Field("", max_length=12)
    q: str = Field("", max_length=100)


class FlowOut(Schema):
    id: int
    enterprise_id: int
    enterprise_uscc: str = Field(alias="enterprise.uscc")
    enterprise_name: str = Field(alias="enterprise.name")
    region: str = Field(alias="enterprise.region_id")
    direction: str
    date: dt.date
    chemical: ChemicalBrief
    quantity: Decimal
    unit: str
    counterparty_uscc: str
    amount: Decimal


class FindingOut(Schema):
    kind: str
    work_order_id: int
    party_uscc: str
    region: str
    illegal_gains: Decimal
    quantity_t: Decimal
    summary: str


class FlowCreated(FlowOut):
    findings: list[FindingOut]


class WorkOrderQuery(Schema):
    region: str = Field("", max_length=12)
    state: Literal["", "open", "accepted", "case_requested", "closed"] = ""
    kind: Literal["", "unlicensed_seller", "quantity_mismatch", "use_outside_permit", "many_new_buyers"] = ""


class WorkOrderOut(Schema):
    id: int
    kind: str
    state: str
    region: str = Field(alias="region_id")
    party_uscc: str
    party_name: str = ""
    chemical: ChemicalBrief
    summary: str
    illegal_gains: Decimal
    quantity_t: Decimal
    due_at: dt.datetime
    close_reason: str
    case_number: str  # the enforcement case filed from this order (state case_opened)
    case_note: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_party_name(obj):
        return obj.party.name if obj.party_id else ""


class WorkOrderDetail(WorkOrderOut):
    evidence: list[FlowOut]

    @staticmethod
    def resolve_evidence(obj):
        return list(obj.evidence.select_related("enterprise", "chemical").order_by("date", "id"))


class ActionIn(Schema):
    reason: str = Field("", max_length=500)


class ImportReportOut(Schema):
    created: int
    skipped: int
    rejected: int
    errors: list[dict]
    warnings: list[str]
    rejects: str | None
    findings: list[FindingOut]
