"""The video-drill pages: the list with the schedule form, a drill's rates per region
(table, chart data, failing nodes), the operator's phone form for one call (field
errors shown, nothing saved; a good answer saved and audited), the rates exported
to CSV and Excel, the nodes page's generate action; another county's drill not found;
names as text."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.test import Client
from django.utils import timezone

from yingji.core.models import AuditRecord
from yingji.resources.models import VideoCall, VideoDrill, VideoNode
from yingji.resources.services import videodrills as services

from ..conftest import WENLING, WENLING_TOWN
from .videodrills_fixtures import no_video_system, villages  # noqa: F401

pytestmark = pytest.mark.django_db
T0 = timezone.make_aware(dt.datetime(2026, 7, 1, 9, 0))


def client_for(person) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(person.user)
    return client


@pytest.fixture
def drill(wenling_officer, villages):
    services.nodes_generate(by=wenling_officer.user, region=WENLING_TOWN)
    VideoNode.objects.filter(region_id="331081001001").update(name="<b>东村</b>指挥点")
    row = services.drill_create(by=wenling_officer.user, region=WENLING_TOWN, title="汛前演练", scheduled_at=T0)
    row = services.drill_start(by=wenling_officer.user, drill=row, now=T0)
    for call in VideoCall.objects.filter(drill=row).select_related("node"):
        services.call_record(by=wenling_officer.user, call=call, connected=call.region_id != "331081001002",
                             connected_at=T0 + dt.timedelta(minutes=1) if call.region_id != "331081001002" else None,
                             answered_at=T0 + dt.timedelta(minutes=10) if call.region_id == WENLING_TOWN else None,
                             quality_ok=True if call.region_id == WENLING_TOWN else None)
    return row


def test_the_drill_page_shows_the_rates_and_the_failing_nodes(wenling_officer, drill):
    r = client_for(wenling_officer).get(f"/resources/video-drills/{drill.pk}/")
    html = r.content.decode()
    assert r.status_code == 200
    # 3 called (township post, 2 villages); 2 connected; 1 within 30 min; 1 acceptable of 2 connected.
    assert "66.7%" in html and "33.3%" in html and "50.0%" in html
    assert "连通率" in html and "30分钟响应率" in html and "连线质量达标率" in html
    assert "连通率 = 接通节点数 ÷ 呼叫节点数" in html
    assert "未接通" in html and "连线质量不达标" in html
    assert "&lt;b&gt;东村&lt;/b&gt;指挥点" in html and "<b>东村</b>" not in html
    assert 'id="video-rates-data"' in html and "innerHTML" not in html


def test_the_list_shows_drills_and_the_periods_rates(wenling_officer, drill):
    r = client_for(wenling_officer).get("/resources/video-drills/", {"date_from": "2026-07-01",
                                                                      "date_to": "2026-07-01"})
    html = r.content.decode()
    assert r.status_code == 200 and "汛前演练" in html and "66.7%" in html


def test_scheduling_from_the_page(wenling_officer, villages):
    client = client_for(wenling_officer)
    r = client.post("/resources/video-drills/", {"title": "七月演练", "region": WENLING,
                                                  "scheduled_at": "2026-07-10T09:00"})
    drill = VideoDrill.objects.get(title="七月演练")
    assert r.status_code == 302 and drill.region_id == WENLING and drill.response_minutes == 30
    assert drill.due_at == drill.scheduled_at
    r = client.post("/resources/video-drills/", {"title": "越界", "region": "331082",
                                                  "scheduled_at": "2026-07-10T09:00"})
    assert r.status_code == 200 and not VideoDrill.objects.filter(title="越界").exists()


def test_the_operator_records_an_outcome_on_the_phone_form(wenling_officer, drill):
    call = VideoCall.objects.get(drill=drill, region_id="331081001002")
    client = client_for(wenling_officer)
    page = client.get(f"/resources/video-calls/{call.pk}/").content.decode()
    assert 'type="datetime-local"' in page and 'name="connected"' in page
    r = client.post(f"/resources/video-calls/{call.pk}/", {"connected": "yes", "connected_at": "2026-07-01T08:00",
                                                          "quality_ok": "yes"})
    assert r.status_code == 200 and "接通时间早于呼叫时间" in r.content.decode()
    assert VideoCall.objects.get(pk=call.pk).connected is False
    r = client.post(f"/resources/video-calls/{call.pk}/", {"connected": "yes", "connected_at": "2026-07-01T09:05",
                                                          "answered_at": "2026-07-01T09:20", "quality_ok": "yes"})
    assert r.status_code == 302
    call.refresh_from_db()
    assert call.connected and call.quality_ok and call.responded_within(30)
    assert AuditRecord.objects.filter(action="video_call_record", object_id=str(call.pk)).count() == 2


def test_the_rates_export_to_csv_and_excel(wenling_officer, drill):
    client = client_for(wenling_officer)
    r = client.get(f"/resources/video-drills/{drill.pk}/", {"format": "csv"})
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[0][:4] == ["层级", "区划代码", "区划", "呼叫节点数"]
    assert rows[1][0] == "合计" and rows[1][3:] == ["3", "2", "66.7", "1", "33.3", "1", "50.0"]
    r = client.get(f"/resources/video-drills/{drill.pk}/", {"format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert [c.value for c in sheet[2]][3:] == [3, 2, 66.7, 1, 33.3, 1, 50.0]
    assert AuditRecord.objects.filter(action="export", object_type="export.video_drill_rates").count() == 2


def test_generating_nodes_from_the_page(wenling_officer, villages):
    r = client_for(wenling_officer).post("/resources/video-nodes/", {"region": WENLING})
    assert r.status_code == 200 and VideoNode.objects.count() == 1 + 17 + 3
    assert "新增 21 个节点" in r.content.decode()


def test_another_countys_drill_is_not_found(linhai_officer, drill):
    assert client_for(linhai_officer).get(f"/resources/video-drills/{drill.pk}/").status_code == 404
    call = VideoCall.objects.filter(drill=drill).first()
    assert client_for(linhai_officer).post(f"/resources/video-calls/{call.pk}/", {"connected": "no"}).status_code == 404


def test_every_page_is_chinese_and_answers_its_forms_sent_unchanged(wenling_officer, drill):
    """What the crawl checks (tests/web/crawl.py), on these pages: no English left in
    the zh-hans text, every form sent as it stands answers without a server error."""
    from ..web.crawl import form_target, parse, untranslated

    client = client_for(wenling_officer)
    call = VideoCall.objects.filter(drill=drill).first()
    for path in ("/resources/video-drills/", f"/resources/video-drills/{drill.pk}/",
                 f"/resources/video-calls/{call.pk}/", "/resources/video-nodes/",
                 "/resources/video-drills/?date_from=2026-07-01&date_to=2026-07-31",
                 f"/resources/video-nodes/{VideoNode.objects.first().pk}/"):
        r = client.get(path)
        assert r.status_code == 200, path
        page = parse(r.content.decode())
        assert untranslated(page.texts) == [], path
        for form in page.forms:
            target = form_target(form, path)
            if target is None:
                continue
            method, action, fields = target
            answer = client.post(action, dict(fields)) if method == "post" else client.get(action, dict(fields))
            assert answer.status_code < 500, (path, action)
            if answer.status_code == 200:
                assert untranslated(parse(answer.content.decode()).texts) == [], (path, action)


def test_a_node_is_edited_on_its_page_and_a_taken_endpoint_refused(wenling_officer, linhai_officer, drill):
    node = VideoNode.objects.get(region_id="331081001001")
    other = VideoNode.objects.get(region_id="331081001002")
    client = client_for(wenling_officer)
    r = client.post(f"/resources/video-nodes/{node.pk}/", {"name": "东村应急指挥点", "endpoint_id": other.endpoint_id,
                                                          "active": "on"})
    assert r.status_code == 200 and "视频终端号已被其他节点使用" in r.content.decode()
    r = client.post(f"/resources/video-nodes/{node.pk}/", {"name": "东村应急指挥点", "endpoint_id": "mcu-1001"})
    node.refresh_from_db()
    assert r.status_code == 302 and (node.name, node.endpoint_id, node.active) == ("东村应急指挥点", "mcu-1001", False)
    assert AuditRecord.objects.filter(action="video_node_update", object_id=str(node.pk)).count() == 1
    assert client_for(linhai_officer).get(f"/resources/video-nodes/{node.pk}/").status_code == 404
