"""Pages: list, issue form, detail with the live board, Excel export, and the public
acknowledgement link."""

import base64
import io
import json

import pytest
from django.test import Client
from openpyxl import load_workbook

from yingji.alerts import selectors, services
from yingji.alerts.models import CallUpTarget
from yingji.core.scope import Scope

from ..conftest import LINHAI, WENLING
from .conftest import minutes

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(wenling_officer):
    client = Client()
    client.force_login(wenling_officer.user)
    return client


def browser_user(client):
    from django.contrib.auth import get_user

    return get_user(client)


def issue(codes=(WENLING,)):
    return services.warning_issue(by=None, type="rainstorm", level="red", region_codes=list(codes),
                                  headline="温岭暴雨红色预警", now=minutes(0))


def test_list_links_to_own_warnings_only(browser, chain):
    own, other = issue(), issue([LINHAI])
    html = browser.get("/warnings/").content.decode()
    assert f"/warnings/{own.pk}/" in html and f"/warnings/{other.pk}/" not in html
    assert browser.get(f"/warnings/{other.pk}/").status_code == 404


def test_issue_form_issues_and_redirects_to_the_board(browser, chain):
    r = browser.post("/warnings/new/", {"type": "rainstorm", "level": "orange", "regions": WENLING,
                                        "headline": "暴雨橙色预警"})
    assert r.status_code == 302
    detail = browser.get(r["Location"]).content.decode()
    assert "叫应看板" in detail and 'data-count="targets">4<' in detail


def test_issue_form_for_another_county_shows_the_error(browser, chain):
    r = browser.post("/warnings/new/", {"type": "rainstorm", "level": "red", "regions": LINHAI, "headline": "越界"})
    assert r.status_code == 200 and "管辖范围" in r.content.decode()


def test_board_fragment_polls_and_matches_the_api(browser, api_as, wenling_officer, chain):
    warning = issue()
    for person, m in ((chain.village, 2), (chain.grid, 4)):
        services.acknowledge(target=CallUpTarget.objects.get(callup=warning.callup, person=person), channel="link",
                             at=minutes(m))
    for m in (0, 1, 2.5, 4, 5.5, 15):
        services.process_due_actions(now=minutes(m))
    html = browser.get(f"/warnings/{warning.pk}/board/").content.decode()
    api = api_as(wenling_officer).get(f"/api/warnings/{warning.pk}/callup").json()
    for key in ("targets", "sent", "delivered", "acknowledged", "feedback", "escalated"):
        assert f'data-count="{key}">{api[key]}<' in html, key
    assert f'data-count="unreached">{len(api["unreached"])}<' in html
    assert 'hx-trigger="every' in html


def test_excel_export_holds_the_unreached_list(browser, chain):
    warning = issue()
    services.acknowledge(target=CallUpTarget.objects.get(callup=warning.callup, person=chain.county),
                         channel="sms", at=minutes(1))
    for m in (0, 1, 2.5, 4, 5.5, 15):
        services.process_due_actions(now=minutes(m))
    r = browser.get(f"/warnings/{warning.pk}/board.xlsx")
    book = load_workbook(io.BytesIO(r.content))
    names = {row[0] for row in book["未叫应名单"].iter_rows(min_row=2, values_only=True)}
    assert names == {chain.township.name, chain.village.name, chain.grid.name}
    summary = dict(book["汇总"].iter_rows(min_row=2, values_only=True))
    board = selectors.board(scope=Scope.for_user(browser_user(browser)), warning=warning)
    assert summary["已应答"] == board["acknowledged"] == 1


def test_ack_link_get_shows_a_button_and_post_records(chain):
    warning = issue()
    target = CallUpTarget.objects.get(callup=warning.callup, person=chain.village)
    url = f"/ack/{services.ack_token(target)}"
    anonymous = Client(enforce_csrf_checks=True)
    page = anonymous.get(url)
    assert page.status_code == 200 and "确认收到" in page.content.decode()
    target.refresh_from_db()
    assert target.acknowledged_at is None  # looking is not answering (link previews fetch pages)
    csrf = page.cookies["csrftoken"].value
    r = anonymous.post(url, {"csrfmiddlewaretoken": csrf})
    assert r.status_code == 302
    target.refresh_from_db()
    assert target.state == "acknowledged" and target.ack_channel == "link"
    anonymous.post(url, {"csrfmiddlewaretoken": csrf, "text": "已转移", "people_moved": 12, "patrols": 1})
    target.refresh_from_db()
    assert target.state == "feedback" and target.feedback.get().people_moved == 12


def test_a_token_works_only_for_its_own_person_and_callup(chain):
    warning = issue()
    village = CallUpTarget.objects.get(callup=warning.callup, person=chain.village)
    grid = CallUpTarget.objects.get(callup=warning.callup, person=chain.grid)
    token = services.ack_token(village)
    # The grid worker's ids under the village chief's signature: a forged payload.
    payload = base64.urlsafe_b64encode(
        json.dumps([grid.pk, grid.callup_id, grid.person_id], separators=(",", ":")).encode()).decode().rstrip("=")
    forged = payload + token[token.index(":"):]
    assert forged != token
    for bad in (forged, token[:-2] + "xx", "nonsense"):
        assert Client().post(f"/ack/{bad}").status_code == 404
    second = issue()
    again = CallUpTarget.objects.get(callup=second.callup, person=chain.village)
    assert services.ack_token(again) != token
    Client().post(f"/ack/{token}")
    again.refresh_from_db()
    grid.refresh_from_db()
    assert again.acknowledged_at is None and grid.acknowledged_at is None


def test_excel_board_writes_a_formula_like_headline_as_text(browser, chain):
    headline = '=HYPERLINK("http://evil.example/","点此查看")'
    warning = services.warning_issue(by=None, type="rainstorm", level="red", region_codes=[WENLING],
                                     headline=headline, now=minutes(0))
    r = browser.get(f"/warnings/{warning.pk}/board.xlsx")
    sheet = load_workbook(io.BytesIO(r.content))["汇总"]
    assert (sheet["B1"].value, sheet["B1"].data_type) == (headline, "s")


def test_a_headline_with_a_control_character_is_refused_naming_the_field(chain):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as caught:
        services.warning_issue(by=None, type="rainstorm", level="red", region_codes=[WENLING],
                               headline="暴雨\uffff预警", now=minutes(0))
    assert "U+FFFF" in caught.value.message_dict["headline"][0]
