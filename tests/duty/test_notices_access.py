"""Who reaches which notices and consultations, declared as data (tests/access):
a Wenling officer never reaches what Linhai sent to its towns, nor Linhai's
consultations, and cannot send or record anything in Linhai."""

import pytest

from yingji.duty import services
from yingji.duty.models import Consultation, Notice

from ..access.isolation import IsolationCases
from ..conftest import LINHAI, LINHAI_TOWN, WENLING, WENLING_TOWN

pytestmark = pytest.mark.django_db

HELD = "2026-07-01T09:00:00+08:00"


def _records(person, region, town):
    notice = services.notice_create(by=person.user, region=region, title="提示单", body="正文", kind="tip_sheet",
                                    targets=[town])
    consultation = services.consultation_create(by=person.user, region=region, held_at=HELD, topic="会商",
                                                convened_by="局长", actions=[{"text": "落实"}])
    consultation = Consultation.objects.get(pk=consultation.pk)  # as the database holds it
    return {"notice": notice, "consultation": consultation, "action": consultation.actions.get()}


class TestNoticesIsolation(IsolationCases):
    lists = {
        "GET /api/notices": [{}, {"region": LINHAI}, {"direction": "sent"}, {"direction": "received"},
                             {"open": True}, {"late": False}],
        "GET /api/consultations": [{}, {"region": LINHAI}, {"kind": "consultation"}],
    }
    objects = {
        "GET /api/notices/{id}": ("notice", None),
        "POST /api/notices/{id}/feedback": ("notice", {"answer": "已落实", "region": LINHAI_TOWN}),
        "GET /api/consultations/{id}": ("consultation", None),
        "POST /api/consultations/{id}/notes": ("consultation", {"text": "更正"}),
        "POST /api/consultation-actions/{id}/done": ("action", None),
    }
    creates = {
        "POST /api/notices": (Notice, lambda home: {"region": LINHAI, "title": "t", "body": "b",
                                                    "targets": [LINHAI_TOWN]}),
        "POST /api/consultations": (Consultation, lambda home: {"region": LINHAI, "held_at": HELD, "topic": "t",
                                                                "convened_by": "x"}),
    }

    @pytest.fixture
    def foreign(self, linhai_officer):
        return _records(linhai_officer, LINHAI, LINHAI_TOWN)

    @pytest.fixture
    def home(self, wenling_officer):
        return {"officer": wenling_officer, **_records(wenling_officer, WENLING, WENLING_TOWN)}


def test_notices_to_wenling_towns_are_not_created_from_linhai(regions, wenling_officer, api_as):
    r = api_as(wenling_officer).post("/api/notices", {"title": "t", "body": "b", "targets": [LINHAI_TOWN]})
    assert r.status_code == 400 and Notice.objects.count() == 0
