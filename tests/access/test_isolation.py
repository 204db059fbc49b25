"""Access by region, proven for every API endpoint.

A Wenling county officer must not read, list, search, change or create anything of
Linhai, by guessing ids or by filters. Every operation in the OpenAPI schema is
declared as data in a test class deriving from `IsolationCases` (tests/access/isolation.py:
the core's below, an app's in `tests/<app>/`); an endpoint that no class declares fails
`test_every_endpoint_is_declared`, so a new endpoint cannot skip its isolation tests.
"""

import importlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT

from yingji.api import api
from yingji.core import audit
from yingji.core.models import Duty, Organization, Person, Region
from yingji.enterprises.models import Enterprise, Licence

from ..conftest import LINHAI, LINHAI_TOWN, WENLING, WENLING_TOWN
from ..factories import EnterpriseFactory, OrganizationFactory, PersonFactory, valid_uscc
from .isolation import IsolationCases


@pytest.fixture
def linhai(regions, linhai_enterprise):
    """One of each kind of record in Linhai: what the Wenling officer must never reach."""
    org = OrganizationFactory(region_id=LINHAI, name="临海市应急管理局")
    person = PersonFactory(region_id=LINHAI, organization=org, name="临海某人", user=None)
    duty = Duty.objects.create(person=person, kind_id="township_flood_chief", region_id=LINHAI_TOWN)
    licence = Licence.objects.create(enterprise=linhai_enterprise, kind="other", number="LH-1",
                                     valid_from="2025-01-01", valid_to="2027-01-01")
    audit.record(actor=None, action="test", obj=linhai_enterprise, region_code=LINHAI_TOWN)
    return {"enterprise": linhai_enterprise, "organization": org, "person": person, "duty": duty,
            "licence": licence, "region": Region.objects.get(pk=LINHAI_TOWN)}


@pytest.fixture
def wenling(regions, wenling_officer, wenling_enterprise):
    org = OrganizationFactory(region_id=WENLING, name="温岭市应急管理局")
    return {"officer": wenling_officer, "enterprise": wenling_enterprise, "organization": org}


# Not region data: how to log in and out (a token is only its bearer's: tests/core/test_tokens.py), who am I,
# the list of duty kinds (reference data), the empty import template, the public region tree.
UNSCOPED = {"POST /api/auth/token", "POST /api/auth/logout", "GET /api/auth/me", "GET /api/duty-kinds",
            "GET /api/enterprises/import-template",
            # The region tree for public forms' region picker: official names and codes, nothing else.
            "GET /api/public/region-picker"}


def _operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops}


def _declared() -> set[str]:
    """Every test class deriving from IsolationCases declares its operations as data;
    older hand-written files (`tests/<app>/test_access*.py`) name theirs in a
    module-level `ACCESS_CHECKED` set."""
    ops = set(UNSCOPED)
    for path in sorted(Path(__file__).parents[1].glob("*/test_*.py")):
        text = path.read_text(encoding="utf-8")
        if "IsolationCases" not in text and "ACCESS_CHECKED" not in text:
            continue
        module = importlib.import_module(f"tests.{path.parent.name}.{path.stem}")
        ops |= getattr(module, "ACCESS_CHECKED", set())
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, IsolationCases) and value is not IsolationCases:
                ops |= value.operations()
    return ops


def test_every_endpoint_is_declared():
    declared = _declared()
    assert _operations() - declared == set(), "declare the new endpoints' access checks (tests/access/isolation.py)"
    assert declared - _operations() == set(), "stale declarations"


class TestCoreIsolation(IsolationCases):
    """Regions, organizations, people and their duties, enterprises and the audit log."""

    lists = {
        "GET /api/regions": [{}, {"parent": LINHAI}, {"level": 4}, {"q": "临海"}, {"q": LINHAI}],
        "GET /api/organizations": [{}, {"region": LINHAI}, {"q": "临海"}],
        "GET /api/people": [{}, {"region": LINHAI}, {"q": "临海"}, {"duty": "township_flood_chief"}],
        "GET /api/enterprises": [{}, {"region": LINHAI}, {"region": "33"}, {"q": "测试"}, {"tag": ""}],
        "GET /api/audit": [{}, {"object_type": "enterprises.enterprise"}],
        "GET /api/region-picker": [{}, {"parent": LINHAI}, {"parent": "3310"}, {"q": "临海"}, {"q": LINHAI},
                                   {"q": "lhs"}],
    }
    objects = {
        "GET /api/regions/{code}": ("region", None),
        "PATCH /api/regions/{code}": ("region", {"name": "改名"}),
        "GET /api/organizations/{id}": ("organization", None),
        "PATCH /api/organizations/{id}": ("organization", {"name": "改名"}),
        "GET /api/people/{id}": ("person", None),
        "PATCH /api/people/{id}": ("person", {"name": "改名"}),
        "GET /api/people/{id}/duties": ("person", None),
        "POST /api/people/{id}/duties": ("person", {"kind": "grid_worker", "region": LINHAI_TOWN}),
        "DELETE /api/duties/{id}": ("duty", None),
        "GET /api/enterprises/{id}": ("enterprise", None),
        "PATCH /api/enterprises/{id}": ("enterprise", {"risk_grade": "red"}),
        "POST /api/enterprises/{id}/licences": ("enterprise", {"kind": "other", "number": "X-1",
                                                             "valid_from": "2026-01-01", "valid_to": "2027-01-01"}),
        "PATCH /api/enterprises/licences/{licence_id}": ("licence", {"number": "X-2"}),
        "DELETE /api/enterprises/licences/{licence_id}": ("licence", None),
    }
    creates = {
        "POST /api/regions": (Region, lambda home: {"code": LINHAI_TOWN + "901", "name": "村",
                                                    "parent": LINHAI_TOWN}),
        "POST /api/organizations": (Organization, lambda home: {"name": "某单位", "kind": "bureau",
                                                                "region": LINHAI}),
        "POST /api/people": (Person, lambda home: {"name": "某人", "region": LINHAI}),
        "POST /api/enterprises": (Enterprise, lambda home: {"name": "某企业", "uscc": valid_uscc(LINHAI),
                                                            "region": LINHAI_TOWN}),
    }
    # Moving one's own record into Linhai is creating something there.
    moves = {
        "PATCH /api/organizations/{id}": ("organization", {"region": LINHAI}),
        "PATCH /api/enterprises/{id}": ("enterprise", {"region": LINHAI_TOWN}),
    }
    # Files, tested below: an export of another county's enterprises contains none of
    # them; an import of rows for another county creates none of them.
    elsewhere = {"GET /api/enterprises/export", "POST /api/enterprises/import"}

    @pytest.fixture
    def foreign(self, linhai):
        return linhai

    @pytest.fixture
    def home(self, wenling):
        return wenling


@pytest.mark.django_db
def test_enterprise_user_sees_only_its_own_enterprise(api_as, enterprise_user, wenling_enterprise):
    neighbour = EnterpriseFactory(region_id=WENLING_TOWN)
    client = api_as(enterprise_user)
    items = client.get("/api/enterprises", {"page_size": 500}).json()["items"]
    assert [e["id"] for e in items] == [wenling_enterprise.id]
    assert client.get(f"/api/enterprises/{neighbour.id}").status_code == 404
    assert client.get("/api/audit").json()["items"] == []


@pytest.mark.django_db
def test_enterprise_user_changes_contact_details_but_not_the_risk_grade(api_as, enterprise_user, wenling_enterprise):
    client = api_as(enterprise_user)
    assert client.patch(f"/api/enterprises/{wenling_enterprise.id}",
                        {"contact_phone": "0576-1234567"}).status_code == 200
    r = client.patch(f"/api/enterprises/{wenling_enterprise.id}", {"risk_grade": "blue"})
    assert r.status_code == 403 and "risk_grade" in r.json()["error"]["fields"]
    assert client.post("/api/enterprises",
                       {"name": "x", "uscc": valid_uscc(), "region": WENLING_TOWN}).status_code == 403


@pytest.mark.django_db
def test_viewer_reads_but_cannot_write(api_as, wenling_viewer, wenling_enterprise):
    client = api_as(wenling_viewer)
    assert client.get(f"/api/enterprises/{wenling_enterprise.id}").status_code == 200
    assert client.patch(f"/api/enterprises/{wenling_enterprise.id}", {"name": "改名"}).status_code == 403


@pytest.mark.django_db
def test_a_person_cannot_be_attached_to_another_countys_superior(api_as, linhai, wenling):
    r = api_as(wenling["officer"]).post("/api/people", {"name": "某人", "region": WENLING,
                                                         "superior": linhai["person"].id})
    assert r.status_code == 400 and "superior" in r.json()["error"]["fields"]


@pytest.mark.django_db
def test_officer_cannot_grant_the_admin_role(api_as, wenling):
    r = api_as(wenling["officer"]).post("/api/people", {"name": "某人", "region": WENLING, "role": "admin"})
    assert r.status_code == 403


@pytest.mark.django_db
def test_unattached_login_sees_nothing(api_as, regions, wenling_enterprise):
    from ..factories import UserFactory

    class Nobody:  # a user with no person record and no superuser flag
        user = UserFactory(username="nobody")

    assert api_as(Nobody).get("/api/enterprises").json()["items"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("params", [{}, {"region": LINHAI}, {"region": "33"}, {"q": "测试"}])
def test_export_never_contains_another_county(params, api_as, linhai, wenling):
    r = api_as(wenling["officer"]).get("/api/enterprises/export", {**params, "format": "csv"})
    assert r.status_code == 200
    text = r.content.decode("utf-8-sig")
    assert linhai["enterprise"].uscc not in text
    if not params.get("region", "").startswith(LINHAI):
        assert wenling["enterprise"].uscc in text  # the control: own records are exported


@pytest.mark.django_db
def test_import_creates_nothing_in_another_county(api_as, linhai, wenling):
    csv_text = ("企业名称,统一社会信用代码,所属乡镇代码\n"
                f"越界企业,{valid_uscc(LINHAI)},{LINHAI_TOWN}\n"
                f"改临海企业,{linhai['enterprise'].uscc},{WENLING_TOWN}\n")
    before = audit.snapshot(linhai["enterprise"])
    count = Enterprise.objects.count()
    upload = SimpleUploadedFile("e.csv", csv_text.encode("utf-8"), content_type="text/csv")
    client = api_as(wenling["officer"])
    r = client.post("/api/enterprises/import", {"file": upload}, content_type=MULTIPART_CONTENT)
    assert r.status_code == 200, r.content
    assert r.json()["rejected"] == 2 and r.json()["created"] == 0
    assert Enterprise.objects.count() == count
    assert audit.snapshot(Enterprise.objects.get(pk=linhai["enterprise"].pk)) == before
