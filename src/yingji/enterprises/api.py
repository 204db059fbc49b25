"""Enterprise register API: list with filters, detail, create, update, licences,
and the register as a spreadsheet (import, export, template)."""

import datetime as dt
from typing import Literal

from django.http import HttpResponse
from django.utils import timezone
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile

from ..core import exports
from ..core.paging import Page, PageQuery, paginate
from ..core.scope import Scope
from ..core.tabular import Limits, check_size
from . import selectors, services, tabular
from .choices import Industry, LicenceKind, RiskGrade, Scale

router = Router(tags=["enterprises"])


class LicenceOut(Schema):
    id: int
    kind: LicenceKind
    number: str
    valid_from: dt.date
    valid_to: dt.date
    status: str

    @staticmethod
    def resolve_status(obj):
        return obj.status()


class EnterpriseOut(Schema):
    id: int
    name: str
    uscc: str
    address: str
    longitude: float | None
    latitude: float | None
    region: str = Field(..., alias="region_id")
    region_name: str = Field(..., alias="region.full_name")
    industry: Industry
    scale: Scale
    risk_grade: RiskGrade
    legal_representative: str
    contact_phone: str
    employees: int | None
    tags: list[str]

    @staticmethod
    def resolve_tags(obj):
        return [t.name for t in obj.tags.all()]


class EnterpriseDetail(EnterpriseOut):
    licences: list[LicenceOut]

    @staticmethod
    def resolve_licences(obj):
        return list(obj.licences.all())


class EnterpriseIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    uscc: str = Field(..., max_length=40)
    address: str = Field("", max_length=300)
    longitude: float | None = Field(None, ge=73, le=136)
    latitude: float | None = Field(None, ge=3, le=54)
    region: str = Field(..., max_length=15)
    industry: Industry = Industry.OTHER
    scale: Scale = Scale.SMALL
    risk_grade: RiskGrade = RiskGrade.BLUE
    legal_representative: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=40)
    employees: int | None = Field(None, ge=0, le=10_000_000)
    tags: list[str] = Field(default_factory=list, max_length=50)


class EnterprisePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    uscc: str | None = Field(None, max_length=40)
    address: str | None = Field(None, max_length=300)
    longitude: float | None = Field(None, ge=73, le=136)
    latitude: float | None = Field(None, ge=3, le=54)
    region: str | None = Field(None, max_length=15)
    industry: Industry | None = None
    scale: Scale | None = None
    risk_grade: RiskGrade | None = None
    legal_representative: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=40)
    employees: int | None = Field(None, ge=0, le=10_000_000)
    tags: list[str] | None = Field(None, max_length=50)


class EnterpriseFilter(Schema):
    region: str = Field("", max_length=15, description="region code: the enterprises of its subtree")
    risk_grade: RiskGrade | None = None
    industry: Industry | None = None
    tag: str = Field("", max_length=50)
    q: str = Field("", max_length=100, description="text search in name, USCC, address")


class ExportQuery(EnterpriseFilter):
    format: Literal["xlsx", "csv"] = "xlsx"


class TemplateQuery(Schema):
    format: Literal["xlsx", "csv"] = "xlsx"


class ImportRowError(Schema):
    row: int = Field(..., description="row number as Excel shows it (the header is row 1)")
    field: str = Field(..., description="column header, empty when the whole row is wrong")
    message: str


class ImportReportOut(Schema):
    created: int
    updated: int
    unchanged: int
    rejected: int
    errors: list[ImportRowError]
    warnings: list[str]
    complete: bool  # False: the database failed midway; `not_imported` lists the rows after
    interrupted: str
    not_imported: list[int]


class LicenceIn(Schema):
    kind: LicenceKind
    number: str = Field(..., min_length=1, max_length=60)
    valid_from: dt.date
    valid_to: dt.date


class LicencePatch(Schema):
    kind: LicenceKind | None = None
    number: str | None = Field(None, min_length=1, max_length=60)
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None


def _fields(data: Schema) -> dict:
    given = data.model_dump(exclude_unset=True)
    if "region" in given:
        given["region_id"] = given.pop("region")
    return given


@router.get("", response=Page[EnterpriseOut])
def list_enterprises(request, filters: Query[EnterpriseFilter], paging: Query[PageQuery]):
    qs = selectors.enterprise_list(
        scope=Scope.for_user(request.user), region=filters.region, risk_grade=filters.risk_grade or "",
        industry=filters.industry or "", tag=filters.tag, q=filters.q,
    )
    return paginate(qs, paging)


@router.post("", response={201: EnterpriseDetail})
def create_enterprise(request, data: EnterpriseIn):
    fields = _fields(data)
    enterprise = services.enterprise_create(by=request.user, tags=fields.pop("tags", None), **fields)
    return Status(201, selectors.enterprise_get(scope=Scope.for_user(request.user), id=enterprise.id))


@router.post("/import", response={200: ImportReportOut, 503: ImportReportOut})
def import_enterprises(request, file: File[UploadedFile]):
    """Upsert enterprises by USCC from an .xlsx or .csv file (field `file`). Rejected
    rows are listed in the report; the status is 200 whenever the file could be read,
    400 for a file that cannot or may not be read (limits: see the README), and 503
    with the report when the database failed midway (the rows before were kept)."""
    check_size(file.size, Limits.from_settings())  # refuse before reading it into memory
    report = tabular.import_enterprises(by=request.user, content=file.read(), filename=file.name or "")
    return Status(200 if report.complete else 503, report.as_dict())


@router.get("/export", response={200: None})
def export_enterprises(request, filters: Query[ExportQuery]):
    """The enterprises the list would show (same filters, same scope) as .xlsx or .csv,
    with the Chinese headers that import reads back."""
    qs = selectors.enterprise_list(
        scope=Scope.for_user(request.user), region=filters.region, risk_grade=filters.risk_grade or "",
        industry=filters.industry or "", tag=filters.tag, q=filters.q,
    )
    count = qs.count()
    exports.check_bound(count)  # the same bound and audit as the list page's export (core.exports)
    content = tabular.export_enterprises(qs, filters.format)
    exports.record(request, name="enterprises", fmt=filters.format, count=count)
    name = f"enterprises-{timezone.localdate():%Y%m%d}.{filters.format}"
    return _file_response(content, filters.format, name)


@router.get("/import-template", response={200: None})
def import_template(request, query: Query[TemplateQuery]):
    """An empty register with the headers and one example row."""
    return _file_response(tabular.export_template(query.format), query.format,
                          f"enterprises-template.{query.format}")


def _file_response(content: bytes, fmt: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=tabular.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@router.get("/{id}", response=EnterpriseDetail)
def get_enterprise(request, id: int):
    return selectors.enterprise_get(scope=Scope.for_user(request.user), id=id)


@router.patch("/{id}", response=EnterpriseDetail)
def update_enterprise(request, id: int, data: EnterprisePatch):
    scope = Scope.for_user(request.user)
    enterprise = selectors.enterprise_get(scope=scope, id=id)
    fields = _fields(data)
    services.enterprise_update(by=request.user, enterprise=enterprise, tags=fields.pop("tags", None), **fields)
    return selectors.enterprise_get(scope=scope, id=id)


@router.post("/{id}/licences", response={201: LicenceOut})
def add_licence(request, id: int, data: LicenceIn):
    enterprise = selectors.enterprise_get(scope=Scope.for_user(request.user), id=id)
    return Status(201, services.licence_add(by=request.user, enterprise=enterprise, **data.model_dump()))


@router.patch("/licences/{licence_id}", response=LicenceOut)
def update_licence(request, licence_id: int, data: LicencePatch):
    licence = selectors.licence_get(scope=Scope.for_user(request.user), id=licence_id)
    return services.licence_update(by=request.user, licence=licence, **data.model_dump(exclude_unset=True))


@router.delete("/licences/{licence_id}", response={204: None})
def remove_licence(request, licence_id: int):
    licence = selectors.licence_get(scope=Scope.for_user(request.user), id=licence_id)
    services.licence_remove(by=request.user, licence=licence)
    return Status(204, None)
