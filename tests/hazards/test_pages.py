"""The pages: list with lights, detail with this person's buttons, the public form, the ranking."""

import pytest
from django.test import Client

from yingji.hazards.models import PublicReport

pytestmark = pytest.mark.django_db


def _login(person):
    client = Client()
    client.force_login(person.user)
    return client


def test_list_and_detail_show_the_hazard_and_only_allowed_buttons(general, enterprise_user, linhai_officer):
    client = _login(enterprise_user)
    assert general.number in client.get("/hazards/").content.decode()
    page = client.get(f"/hazards/{general.pk}/").content.decode()
    assert 'value="start"' in page and 'value="escalate"' not in page
    r = client.post(f"/hazards/{general.pk}/", {"action": "start"})
    assert r.status_code == 302
    general.refresh_from_db()
    assert general.state == "rectifying"
    assert _login(linhai_officer).get(f"/hazards/{general.pk}/").status_code == 404


def test_public_form_needs_no_login(regions):
    client = Client()
    assert client.get("/report/").status_code == 200
    r = client.post("/report/", {"region": "331081001", "description": "厂房外窗装了防盗网"})
    assert r.status_code == 200 and "举报已收到" in r.content.decode()
    assert PublicReport.objects.get().description == "厂房外窗装了防盗网"


def test_ranking_page_lists_the_townships(wenling_officer):
    page = _login(wenling_officer).get("/hazards/ranking/", {"from": "2026-01-01", "to": "2026-03-31"})
    assert page.status_code == 200 and "约谈名单" in page.content.decode()
