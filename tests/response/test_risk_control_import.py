"""The risk lists imported from Excel or CSV: good rows kept, bad rows reported with
their column and reason and handed back as a file to correct; re-importing the same
file changes nothing; the export reads back through the import."""

import pytest
from django.test.client import MULTIPART_CONTENT

from yingji.core import tabular
from yingji.core.models import RejectedRows
from yingji.floods.models import RiskPoint

from ..conftest import LINHAI_TOWN, WENLING_TOWN

pytestmark = pytest.mark.django_db

HEADER = ["类别", "名称", "区划代码", "经度", "纬度", "人口", "户数", "责任人", "责任人电话", "管控措施"]
GOOD = [
    ["geo_hazard", "后山滑坡点", WENLING_TOWN, "121.38", "28.37", "45", "12", "张三", "13800000001", "雨前巡查"],
    ["危房", "老街危房", WENLING_TOWN, "", "", "6", "2", "李四", "0576-86000000", "人员撤离，设置警戒"],
    ["underground_garage", "万达地下车库", "331081002", "", "", "", "", "", "", "挡水板、沙袋"],
]
BAD = [
    ["volcano", "火山口", WENLING_TOWN, "", "", "", "", "", "", ""],  # unknown kind
    ["mine", "矿山A", LINHAI_TOWN, "", "", "", "", "", "", ""],  # another county
    ["mine", "矿山B", WENLING_TOWN, "121.4", "", "", "", "", "", ""],  # longitude without latitude
    ["mine", "矿山C", WENLING_TOWN, "", "", "-3", "", "", "", ""],  # negative population
    ["mine", "矿山D", WENLING_TOWN, "", "", "", "", "王五", "5555", ""],  # bad phone
    ["mine", "", WENLING_TOWN, "", "", "", "", "", "", ""],  # no name
]


def _xlsx(rows) -> bytes:
    return tabular.xlsx([tabular.Sheet("风险清单", [HEADER, *rows])])


def _post(client, content: bytes, name="risk.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    return client.post("/api/risk-points/import", {"file": SimpleUploadedFile(name, content)},
                       content_type=MULTIPART_CONTENT)


def test_good_rows_are_kept_and_bad_rows_reported_with_their_column(api_as, wenling_officer, regions):
    client = api_as(wenling_officer)
    r = _post(client, _xlsx([GOOD[0], BAD[0], GOOD[1], BAD[1], BAD[2], BAD[3], BAD[4], BAD[5], GOOD[2]]))
    assert r.status_code == 200, r.content
    body = r.json()
    assert (body["created"], body["updated"], body["unchanged"], body["rejected"]) == (3, 0, 0, 6)
    columns = {e["row"]: e["field"] for e in body["errors"]}
    assert columns == {3: "类别", 5: "区划代码", 6: "纬度", 7: "人口", 8: "责任人电话", 9: "名称"}
    assert all(" / " in e["message"] for e in body["errors"])  # 中文 / English
    house = RiskPoint.objects.get(name="老街危房")
    assert (house.kind_id, house.population, house.responsible_name, house.responsible_phone,
            house.control_measures) == ("unsafe_house", 6, "李四", "0576-86000000", "人员撤离，设置警戒")
    assert not RiskPoint.objects.filter(region_id=LINHAI_TOWN).exists()
    rejected = RejectedRows.objects.get(token=body["rejects_token"])
    assert len(rejected.rows) == 6 and rejected.rows[0][1] == "火山口" and "类别不存在" in rejected.rows[0][-1]


def test_importing_the_same_file_again_changes_nothing_and_a_changed_row_updates(api_as, wenling_officer, regions):
    client = api_as(wenling_officer)
    assert _post(client, _xlsx(GOOD)).json()["created"] == 3
    again = _post(client, _xlsx(GOOD)).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 3)
    changed = [list(GOOD[0])]
    changed[0][9] = "雨中值守，达到准备转移雨量即转移"
    body = _post(client, tabular.csv_bytes([HEADER, *changed]), "risk.csv").json()
    assert (body["created"], body["updated"]) == (0, 1)
    assert RiskPoint.objects.get(name="后山滑坡点").control_measures == "雨中值守，达到准备转移雨量即转移"
    assert RiskPoint.objects.count() == 3


def test_the_export_reads_back_through_the_import(api_as, wenling_officer, regions):
    client = api_as(wenling_officer)
    _post(client, _xlsx(GOOD))
    exported = client.get("/api/risk-points/export", {"format": "xlsx"})
    assert exported.status_code == 200
    body = _post(client, exported.content).json()
    assert (body["created"], body["updated"], body["unchanged"], body["rejected"]) == (0, 0, 3, 0), body
    assert body["warnings"] == []


def test_a_file_without_the_required_columns_or_unreadable_is_a_400(api_as, wenling_officer, regions):
    client = api_as(wenling_officer)
    r = _post(client, tabular.csv_bytes([["名称"], ["某点"]]), "risk.csv")
    assert r.status_code == 400 and "类别" in r.json()["error"]["message"]
    r = _post(client, b"\x00\x01not a spreadsheet", "risk.xlsx")
    assert r.status_code == 400
    assert RiskPoint.objects.count() == 0


def test_viewers_cannot_import(api_as, wenling_viewer, regions):
    assert _post(api_as(wenling_viewer), _xlsx(GOOD)).status_code == 403
    assert RiskPoint.objects.count() == 0


def test_the_import_page_shows_the_row_report(client, wenling_officer, regions):
    from django.core.files.uploadedfile import SimpleUploadedFile
    client.force_login(wenling_officer.user)
    assert client.get("/response/risk-points/import/").status_code == 200
    r = client.post("/response/risk-points/import/", {"file": SimpleUploadedFile("r.xlsx", _xlsx([GOOD[0], BAD[0]]))})
    html = r.content.decode()
    assert r.status_code == 200 and 'id="report"' in html and "/imports/rejected/" in html
    assert RiskPoint.objects.filter(name="后山滑坡点").exists()
    template = client.get("/response/risk-points/import/template.xlsx")
    assert template.status_code == 200 and template.content[:2] == b"PK"
