"""Access by region for every hazchem endpoint: a Wenling officer reaches nothing of
Linhai (tests/access/isolation.py), and the hand-written cases beside it."""

import pytest

from yingji.hazchem.models import Flow, HazchemLicence, WorkOrder

from ..access.isolation import IsolationCases
from ..conftest import LINHAI
from .helpers import CAUSTIC_SODA, chemical, flow, licence


class TestHazchemIsolation(IsolationCases):
    lists = {"GET /api/hazchem/licences": [{}, {"region": LINHAI}, {"kind": "trading"}],
             "GET /api/hazchem/flows": [{}, {"region": LINHAI}, {"q": "氢氧化钠"}],
             "GET /api/hazchem/work-orders": [{}, {"region": LINHAI}, {"state": "open"}]}
    objects = {"GET /api/hazchem/licences/{id}": ("licence", None),
               "GET /api/hazchem/work-orders/{id}": ("work_order", None),
               "POST /api/hazchem/work-orders/{id}/actions/{action}": ("work_order", {"reason": "x"})}
    creates = {"POST /api/hazchem/licences": (HazchemLicence, lambda home: {
                   "holder_uscc": home["linhai_uscc"], "kind": "trading", "number": "LH-X", "all_listed": True,
                   "valid_from": "2024-01-01", "valid_to": "2026-01-01", "authority": "临海"}),
               "POST /api/hazchem/flows": (Flow, lambda home: {
                   "direction": "in", "date": "2024-03-01", "cas": CAUSTIC_SODA, "quantity": "1", "unit": "t",
                   "counterparty_uscc": home["wenling_uscc"], "amount": "1",
                   "enterprise_id": home["linhai_enterprise_id"]})}
    elsewhere = {"GET /api/hazchem/chemicals", "GET /api/hazchem/flows/export", "POST /api/hazchem/flows/import"}

    @pytest.fixture
    def foreign(self, linhai_enterprise, linhai_officer, wenling_enterprise):
        """A Linhai licence, a Linhai enterprise's sale, and the work order against it (unlicensed for soda)."""
        lic = licence(linhai_enterprise, "trading", chemical("7705-08-0"))
        row, found = flow(linhai_officer, direction="out", counterparty=wenling_enterprise.uscc,
                          enterprise_id=linhai_enterprise.id)
        return {"licence": lic, "flow": row, "work_order": WorkOrder.objects.get(pk=found[0]["work_order_id"])}

    @pytest.fixture
    def home(self, wenling_officer, wenling_enterprise, linhai_enterprise):
        return {"officer": wenling_officer, "linhai_uscc": linhai_enterprise.uscc,
                "wenling_uscc": wenling_enterprise.uscc, "linhai_enterprise_id": linhai_enterprise.id}


@pytest.mark.django_db
def test_the_catalogue_is_reference_data_for_anyone_logged_in(api_as, linhai_officer, enterprise_user):
    for person in (linhai_officer, enterprise_user):
        assert api_as(person).get("/api/hazchem/chemicals", {"q": "烧碱"}).json()["count"] >= 1


@pytest.mark.django_db
def test_the_export_holds_only_the_callers_region(api_as, wenling_officer, linhai_officer, linhai_enterprise,
                                                  wenling_enterprise):
    flow(linhai_officer, counterparty=wenling_enterprise.uscc, enterprise_id=linhai_enterprise.id)
    text = api_as(wenling_officer).get("/api/hazchem/flows/export", {"format": "csv"}).content.decode("utf-8-sig")
    assert linhai_enterprise.uscc not in text and len(text.strip().splitlines()) == 1
    text = api_as(linhai_officer).get("/api/hazchem/flows/export", {"format": "csv"}).content.decode("utf-8-sig")
    assert linhai_enterprise.uscc in text


@pytest.mark.django_db
def test_anonymous_callers_reach_nothing(api_as, regions):
    client = api_as(None)
    for path in ("/api/hazchem/chemicals", "/api/hazchem/flows", "/api/hazchem/licences", "/api/hazchem/work-orders",
                 "/api/hazchem/flows/export"):
        assert client.get(path).status_code == 401
    assert client.post("/api/hazchem/flows/import", {}).status_code == 401
