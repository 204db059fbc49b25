"""Who sees and does what in the enforcement API (declared as data: tests/access/isolation.py).

A Wenling officer never reaches Linhai's cases, their evidence, decisions or stop
orders: lists leave them out, every action answers 404 as for an id that does not
exist, and no case can be opened against a Linhai enterprise."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import MULTIPART_CONTENT

from yingji.enforcement import services
from yingji.enforcement.models import Case, CustodyEvent, Evidence

from ..access.isolation import IsolationCases
from ..conftest import LINHAI
from .conftest import add_evidence, open_case, walk_to

pytestmark = pytest.mark.django_db
HAZARD = {"provision": "work-safety-hazard-not-removed", "refused": True}


def _world(officer, enterprise):
    case = walk_to(officer, open_case(officer, enterprise, summary="某加工点未消除隐患"), "prior_notice")
    item = add_evidence(officer, case)
    case = services.case_act(by=officer.user, case=case, action="decide", decisions=[HAZARD])
    return {"case": Case.objects.get(pk=case.pk), "evidence": item, "stop_order": case.stop_orders.get()}


class TestEnforcementIsolation(IsolationCases):
    lists = {"GET /api/cases": [{}, {"region": LINHAI}, {"q": "某加工点"}, {"state": "decision"}]}
    objects = {
        "GET /api/cases/{id}": ("case", None),
        "POST /api/cases/{id}/actions/{action}": ("case", {"note": "越界"}),
        "POST /api/cases/{id}/decision/preview": ("case", {"decisions": [HAZARD]}),
        "GET /api/cases/{id}/evidence/verify": ("case", None),
        "GET /api/cases/{id}/custody": ("case", None),
        "POST /api/enforcement/stop-orders/{id}/check": ("stop_order", {"outcome": "越界"}),
    }
    creates = {
        "POST /api/cases": (Case, lambda home: {"source_kind": "hazard", "party_uscc": home["linhai_uscc"],
                                                "summary": "越界"}),
    }
    elsewhere = {"POST /api/cases/{id}/evidence", "GET /api/cases/{id}/evidence/{evidence_id}/file",
                 "GET /api/enforcement/figures"}

    @pytest.fixture
    def foreign(self, linhai_officer, linhai_enterprise):
        return _world(linhai_officer, linhai_enterprise)

    @pytest.fixture
    def home(self, wenling_officer, wenling_enterprise, linhai_enterprise):
        return {"officer": wenling_officer, "linhai_uscc": linhai_enterprise.uscc,
                **_world(wenling_officer, wenling_enterprise)}


def test_linhai_evidence_cannot_be_added_or_exported_from_wenling(api_as, wenling_officer, linhai_officer,
                                                                  linhai_enterprise, wenling_enterprise):
    theirs = _world(linhai_officer, linhai_enterprise)
    mine = _world(wenling_officer, wenling_enterprise)
    client = api_as(wenling_officer)
    count, custody = Evidence.objects.count(), CustodyEvent.objects.count()
    r = client.post(f"/api/cases/{theirs['case'].pk}/evidence",
                    {"kind": "photo", "captured_at": "2026-11-01T09:30:00+08:00",
                     "file": SimpleUploadedFile("a.png", b"x")}, content_type=MULTIPART_CONTENT)
    assert r.status_code == 404
    assert client.get(f"/api/cases/{theirs['case'].pk}/evidence/{theirs['evidence'].pk}/file").status_code == 404
    # Their evidence through my case's path is not found either.
    assert client.get(f"/api/cases/{mine['case'].pk}/evidence/{theirs['evidence'].pk}/file").status_code == 404
    assert (Evidence.objects.count(), CustodyEvent.objects.count()) == (count, custody)
    assert client.get(f"/api/cases/{mine['case'].pk}/evidence/{mine['evidence'].pk}/file").status_code == 200
