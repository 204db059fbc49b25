"""Core API: tokens, regions, organizations, people, duties, audit (read-only)."""

from django.conf import settings
from django.contrib.auth import authenticate, logout
from ninja import Field, Query, Router, Schema, Status

from . import selectors, services, tokens
from .choices import OrganizationKind, Role
from .errors import DomainError
from .paging import Page, PageQuery, paginate
from .scope import PUBLIC_REGIONS, Scope

router = Router()


class TokenIn(Schema):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=256)


class TokenOut(Schema):
    token: str
    expires_in: int = Field(..., description="seconds until the token ends (YINGJI_TOKEN_TTL_HOURS)")


@router.post("/auth/token", response=TokenOut, auth=None, tags=["auth"])
def issue_token(request, data: TokenIn):
    user = authenticate(request, username=data.username, password=data.password)
    if user is None:
        raise DomainError("用户名或密码错误", "Wrong username or password", code="unauthenticated")
    return {"token": tokens.issue(user=user),
            "expires_in": int(settings.YINGJI_TOKEN_TTL_HOURS * 3600)}


@router.post("/auth/logout", response={204: None}, tags=["auth"])
def revoke_token(request):
    """End this token at once (a web session is logged out instead)."""
    token = getattr(request, "api_token", None)
    if token is not None:
        tokens.revoke(by=request.user, token=token, reason="logout")
    else:
        logout(request)
    return Status(204, None)


class MeOut(Schema):
    username: str
    name: str
    role: str
    region_code: str | None
    organization_id: int | None


@router.get("/auth/me", response=MeOut, tags=["auth"])
def me(request):
    scope = Scope.for_user(request.user)
    person = getattr(request.user, "person", None)
    return {"username": request.user.username, "name": person.name if person else request.user.username,
            "role": scope.role, "region_code": scope.region_code,
            "organization_id": person.organization_id if person else None}


# Regions --------------------------------------------------------------------

class RegionOut(Schema):
    code: str
    name: str
    level: int
    parent: str | None = Field(None, alias="parent_id")
    full_name: str
    lon: float | None = Field(None, description="WGS84 degrees; villages, for maps")
    lat: float | None = None


class RegionIn(Schema):
    code: str = Field(..., min_length=12, max_length=15, pattern=r"^\d+$")
    name: str = Field(..., min_length=1, max_length=100)
    parent: str = Field(..., max_length=15)


class RegionPatch(Schema):
    name: str = Field(..., min_length=1, max_length=100)


class RegionFilter(Schema):
    parent: str | None = Field(None, max_length=15, description="children of this region code")
    level: int | None = Field(None, ge=1, le=6)
    q: str = Field("", max_length=100)


@router.get("/regions", response=Page[RegionOut], tags=["regions"])
def list_regions(request, filters: Query[RegionFilter], paging: Query[PageQuery]):
    qs = selectors.region_list(scope=Scope.for_user(request.user), parent=filters.parent,
                               level=filters.level, q=filters.q)
    return paginate(qs, paging)


@router.get("/regions/{code}", response=RegionOut, tags=["regions"])
def get_region(request, code: str):
    return selectors.region_get(scope=Scope.for_user(request.user), code=code)


@router.post("/regions", response={201: RegionOut}, tags=["regions"])
def create_region(request, data: RegionIn):
    region = services.region_create(by=request.user, code=data.code, name=data.name, parent_code=data.parent)
    return Status(201, region)


@router.patch("/regions/{code}", response=RegionOut, tags=["regions"])
def rename_region(request, code: str, data: RegionPatch):
    region = selectors.region_get(scope=Scope.for_user(request.user), code=code)
    return services.region_rename(by=request.user, region=region, name=data.name)


# The region picker (core/regionpicker.py) ------------------------------------

class PickedRegion(Schema):
    code: str
    name: str
    label: str = Field(..., description="the name as the caller reads it: full name less what their region "
                                        "lies in (温岭市大溪镇 for a Wenling officer)")
    level: int
    full_name: str


class PickList(Schema):
    items: list[PickedRegion]


class PickQuery(Schema):
    parent: str = Field("", max_length=15, pattern=r"^\d*$",
                        description="the regions directly under this code; "
                                    "neither parent nor q: the caller's own region")
    q: str = Field("", max_length=100, description="a name, part of one, pinyin initials (dxz) or a code prefix")
    min_level: int = Field(1, ge=1, le=6)
    max_level: int = Field(6, ge=1, le=6)


def _pick(scope: Scope, query: PickQuery) -> dict:
    levels = (query.min_level, query.max_level)
    if query.q.strip():
        regions = selectors.region_search(scope=scope, q=query.q, levels=levels)
    else:
        regions = selectors.region_children(scope=scope, parent=query.parent, levels=(1, levels[1]))
    base = selectors.region_label_base(scope=scope)
    return {"items": [{"code": r.code, "name": r.name, "label": selectors.region_label(r, base),
                       "level": r.level, "full_name": r.full_name} for r in regions]}


@router.get("/region-picker", response=PickList, tags=["regions"], url_name="region_pick")
def pick_regions(request, query: Query[PickQuery]):
    """Children of a region or a search, inside the caller's scope: what the region
    picker's selects and suggestions show."""
    return _pick(Scope.for_user(request.user), query)


@router.get("/public/region-picker", response=PickList, tags=["regions"], auth=None,
            url_name="region_pick_public")
def pick_public_regions(request, query: Query[PickQuery]):
    """The same over the whole region tree, without login, for public forms (the
    hazard report form): region names and codes are official public data."""
    return _pick(PUBLIC_REGIONS, query)


# Organizations ---------------------------------------------------------------

class OrganizationOut(Schema):
    id: int
    name: str
    kind: OrganizationKind
    region: str = Field(..., alias="region_id")
    parent: int | None = Field(None, alias="parent_id")
    phone: str


class OrganizationIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    kind: OrganizationKind
    region: str = Field(..., max_length=15)
    parent: int | None = None
    phone: str = Field("", max_length=40)


class OrganizationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    kind: OrganizationKind | None = None
    region: str | None = Field(None, max_length=15)
    parent: int | None = None
    phone: str | None = Field(None, max_length=40)


class OrganizationFilter(Schema):
    region: str = Field("", max_length=15)
    kind: OrganizationKind | None = None
    q: str = Field("", max_length=100)


def _model_fields(data: Schema, renames: dict) -> dict:
    """Schema fields given by the client → model attribute names (FKs as `x_id`)."""
    given = data.model_dump(exclude_unset=True)
    return {renames.get(k, k): v for k, v in given.items()}


@router.get("/organizations", response=Page[OrganizationOut], tags=["people"])
def list_organizations(request, filters: Query[OrganizationFilter], paging: Query[PageQuery]):
    qs = selectors.organization_list(scope=Scope.for_user(request.user), region=filters.region,
                                     kind=filters.kind or "", q=filters.q)
    return paginate(qs, paging)


@router.get("/organizations/{id}", response=OrganizationOut, tags=["people"])
def get_organization(request, id: int):
    return selectors.organization_get(scope=Scope.for_user(request.user), id=id)


ORG_RENAMES = {"region": "region_id", "parent": "parent_id"}


@router.post("/organizations", response={201: OrganizationOut}, tags=["people"])
def create_organization(request, data: OrganizationIn):
    return Status(201, services.organization_create(by=request.user, **_model_fields(data, ORG_RENAMES)))


@router.patch("/organizations/{id}", response=OrganizationOut, tags=["people"])
def update_organization(request, id: int, data: OrganizationPatch):
    org = selectors.organization_get(scope=Scope.for_user(request.user), id=id)
    return services.organization_update(by=request.user, organization=org, **_model_fields(data, ORG_RENAMES))


# People and duties --------------------------------------------------------------

class DutyOut(Schema):
    id: int
    person: int = Field(..., alias="person_id")
    kind: str = Field(..., alias="kind_id")
    kind_name: str = Field(..., alias="kind.name")
    region: str = Field(..., alias="region_id")
    organization: int | None = Field(None, alias="organization_id")


class PersonOut(Schema):
    id: int
    name: str
    mobile: str
    region: str = Field(..., alias="region_id")
    organization: int | None = Field(None, alias="organization_id")
    title: str
    role: Role
    superior: int | None = Field(None, alias="superior_id")
    active: bool
    username: str | None = Field(None, alias="user.username")


class PersonIn(Schema):
    name: str = Field(..., min_length=1, max_length=50)
    mobile: str = Field("", max_length=20)  # checked by the model (core.phones)
    region: str = Field(..., max_length=15)
    organization: int | None = None
    title: str = Field("", max_length=100)
    role: Role = Role.VIEWER
    superior: int | None = None
    username: str = Field("", max_length=150, pattern=r"^[\w.@+-]*$")
    password: str = Field("", max_length=128)


class PersonPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=50)
    mobile: str | None = Field(None, max_length=20)
    region: str | None = Field(None, max_length=15)
    organization: int | None = None
    title: str | None = Field(None, max_length=100)
    role: Role | None = None
    superior: int | None = None
    active: bool | None = None


class PersonFilter(Schema):
    region: str = Field("", max_length=15)
    duty: str = Field("", max_length=50, description="duty kind code")
    q: str = Field("", max_length=100)


class DutyIn(Schema):
    kind: str = Field(..., max_length=50)
    region: str = Field(..., max_length=15)
    organization: int | None = None


class DutyKindOut(Schema):
    code: str
    name: str
    level: int | None
    description: str


PERSON_RENAMES = {"region": "region_id", "organization": "organization_id", "superior": "superior_id"}


@router.get("/people", response=Page[PersonOut], tags=["people"])
def list_people(request, filters: Query[PersonFilter], paging: Query[PageQuery]):
    qs = selectors.person_list(scope=Scope.for_user(request.user), region=filters.region,
                               duty=filters.duty, q=filters.q)
    return paginate(qs, paging)


@router.get("/people/{id}", response=PersonOut, tags=["people"])
def get_person(request, id: int):
    return selectors.person_get(scope=Scope.for_user(request.user), id=id)


@router.post("/people", response={201: PersonOut}, tags=["people"])
def create_person(request, data: PersonIn):
    fields = _model_fields(data, PERSON_RENAMES)
    username, password = fields.pop("username", ""), fields.pop("password", "")
    return Status(201, services.person_create(by=request.user, username=username, password=password, **fields))


@router.patch("/people/{id}", response=PersonOut, tags=["people"])
def update_person(request, id: int, data: PersonPatch):
    person = selectors.person_get(scope=Scope.for_user(request.user), id=id)
    return services.person_update(by=request.user, person=person, **_model_fields(data, PERSON_RENAMES))


@router.get("/people/{id}/duties", response=list[DutyOut], tags=["people"])
def list_person_duties(request, id: int):
    scope = Scope.for_user(request.user)
    person = selectors.person_get(scope=scope, id=id)
    return list(selectors.duty_list(scope=scope, person_id=person.id))


@router.post("/people/{id}/duties", response={201: DutyOut}, tags=["people"])
def assign_duty(request, id: int, data: DutyIn):
    scope = Scope.for_user(request.user)
    person = selectors.person_get(scope=scope, id=id)
    org = selectors.organization_get(scope=scope, id=data.organization) if data.organization else None
    duty = services.duty_assign(by=request.user, person=person, kind_code=data.kind,
                                region_code=data.region, organization=org)
    return Status(201, duty)


@router.delete("/duties/{id}", response={204: None}, tags=["people"])
def remove_duty(request, id: int):
    duty = selectors.duty_get(scope=Scope.for_user(request.user), id=id)
    services.duty_remove(by=request.user, duty=duty)
    return Status(204, None)


@router.get("/duty-kinds", response=list[DutyKindOut], tags=["people"])
def list_duty_kinds(request):
    return list(selectors.duty_kind_list())


# Audit (read-only: no endpoint changes an audit record) ------------------------

class AuditOut(Schema):
    seq: int
    at: str
    actor: str = Field(..., alias="actor_name")
    action: str
    object_type: str
    object_id: str
    region_code: str
    before: dict | None
    after: dict | None
    hash: str

    @staticmethod
    def resolve_at(obj):
        return obj.at.isoformat()


class AuditFilter(Schema):
    object_type: str = Field("", max_length=60)
    object_id: str = Field("", max_length=60)


@router.get("/audit", response=Page[AuditOut], tags=["audit"])
def list_audit(request, filters: Query[AuditFilter], paging: Query[PageQuery]):
    qs = selectors.audit_list(scope=Scope.for_user(request.user), object_type=filters.object_type,
                              object_id=filters.object_id)
    return paginate(qs, paging)
