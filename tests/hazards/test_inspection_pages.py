"""The inspection pages (phone-sized): find the enterprise, answer a checklist, every
"no" a hazard; scoped like everything else."""

import datetime as dt

import pytest
from django.test import Client

from yingji.hazards.models import Hazard, Inspection

pytestmark = pytest.mark.django_db

SMALL_PARK = "small-park-10-10"


def _login(person):
    client = Client()
    client.force_login(person.user)
    return client


def test_officer_finds_an_enterprise_in_scope_only(wenling_enterprise, linhai_enterprise, wenling_officer):
    client = _login(wenling_officer)
    page = client.get("/hazards/inspections/new/", {"q": "测试企业"}).content.decode()
    assert f"?enterprise={wenling_enterprise.pk}" in page and f"?enterprise={linhai_enterprise.pk}" not in page
    assert client.get("/hazards/inspections/new/", {"enterprise": linhai_enterprise.pk}).status_code == 404


def test_checklist_items_are_shown_to_answer(wenling_enterprise, wenling_officer):
    page = _login(wenling_officer).get("/hazards/inspections/new/", {"enterprise": wenling_enterprise.pk,
                                                                     "template": SMALL_PARK}).content.decode()
    assert page.count('type="radio" name="answer-') == 3 * 20  # 十必须十不准: 20 items × yes/no/na
    assert 'name="viewport"' in page  # phone-sized


def test_each_no_answer_becomes_a_hazard_of_the_inspection(wenling_enterprise, wenling_officer):
    from yingji.hazards.models import ChecklistItem

    items = list(ChecklistItem.objects.filter(template__code=SMALL_PARK).order_by("order")[:3])
    day = dt.date(2026, 3, 2)
    r = _login(wenling_officer).post("/hazards/inspections/new/", {
        "enterprise": wenling_enterprise.pk, "template": SMALL_PARK, "kind": "planned", "date": day.isoformat(),
        f"answer-{items[0].code}": "yes", f"answer-{items[1].code}": "no", f"note-{items[1].code}": "二号车间",
        f"answer-{items[2].code}": "na"})
    inspection = Inspection.objects.get()
    assert r.status_code == 302 and r["Location"] == f"/hazards/inspections/{inspection.pk}/"
    assert (inspection.date, inspection.kind, inspection.answers.count()) == (day, "planned", 3)
    hazard = Hazard.objects.get()
    assert (hazard.inspection_id, hazard.item_id, hazard.found_on) == (inspection.pk, items[1].pk, day)
    assert "二号车间" in hazard.description
    detail = _login(wenling_officer).get(r["Location"]).content.decode()
    assert hazard.number in detail and f"/hazards/{hazard.pk}/" in detail


def test_bad_date_is_refused_in_both_languages_and_answers_are_kept(wenling_enterprise, wenling_officer):
    from yingji.hazards.models import ChecklistItem

    item = ChecklistItem.objects.filter(template__code=SMALL_PARK).order_by("order").first()
    r = _login(wenling_officer).post("/hazards/inspections/new/", {
        "enterprise": wenling_enterprise.pk, "template": SMALL_PARK, "kind": "planned", "date": "2026-02-30",
        f"answer-{item.code}": "no"})
    page = r.content.decode()
    assert r.status_code == 200 and "检查日期无效" in page and "Invalid inspection date" not in page
    assert f'name="answer-{item.code}" value="no" checked' in page
    assert not Inspection.objects.exists() and not Hazard.objects.exists()


def test_enterprise_user_only_self_inspects(enterprise_user, wenling_enterprise):
    client = _login(enterprise_user)
    page = client.get("/hazards/inspections/new/", {"enterprise": wenling_enterprise.pk,
                                                     "template": SMALL_PARK}).content.decode()
    assert 'value="self"' in page and 'value="planned"' not in page
    r = client.post("/hazards/inspections/new/", {"enterprise": wenling_enterprise.pk, "template": SMALL_PARK,
                                                  "kind": "planned", "date": "2026-03-02"})
    assert r.status_code == 200 and not Inspection.objects.exists()
    r = client.post("/hazards/inspections/new/", {"enterprise": wenling_enterprise.pk, "template": SMALL_PARK,
                                                  "kind": "self", "date": "2026-03-02", "answer-N01": "yes"})
    assert r.status_code == 302 and Inspection.objects.get().kind == "self"


def test_viewer_cannot_inspect_and_others_cannot_read_the_inspection(wenling_enterprise, wenling_viewer,
                                                                     wenling_officer, linhai_officer):
    assert _login(wenling_viewer).get("/hazards/inspections/new/").status_code == 403
    _login(wenling_officer).post("/hazards/inspections/new/", {
        "enterprise": wenling_enterprise.pk, "template": SMALL_PARK, "kind": "planned", "date": "2026-03-02",
        "answer-N01": "yes"})
    pk = Inspection.objects.get().pk
    assert _login(wenling_viewer).get(f"/hazards/inspections/{pk}/").status_code == 200
    assert _login(linhai_officer).get(f"/hazards/inspections/{pk}/").status_code == 404
