"""CAP 1.2 in and out: exports validate against the OASIS schema, imports reach the
call-up, malformed documents get a 400 that names the problem."""

import pytest
from lxml import etree

from yingji.alerts import cap
from yingji.alerts.models import CallUpTarget, Warning

from ..conftest import LINHAI, WENLING
from .conftest import WENLING_VILLAGE

pytestmark = pytest.mark.django_db
CAP_CT = "application/cap+xml"


def alert_xml(*, identifier="ZJ-2026-0001", status="Actual", msg_type="Alert", event="暴雨红色预警",
              severity="Extreme", codes=(WENLING,), references="", polygon="") -> bytes:
    geocodes = "".join(f"<geocode><valueName>GB/T 2260</valueName><value>{c}</value></geocode>" for c in codes)
    refs = f"<references>{references}</references>" if references else ""
    poly = f"<polygon>{polygon}</polygon>" if polygon else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2">
  <identifier>{identifier}</identifier><sender>zjqx@cma.gov.cn</sender>
  <sent>2026-07-01T02:00:00+08:00</sent><status>{status}</status><msgType>{msg_type}</msgType>
  <scope>Public</scope>{refs}
  <info><category>Met</category><event>{event}</event><urgency>Immediate</urgency>
    <severity>{severity}</severity><certainty>Likely</certainty>
    <expires>2026-07-01T14:00:00+08:00</expires><senderName>温岭市气象台</senderName>
    <headline>温岭市气象台发布暴雨红色预警信号</headline><description>过去3小时降雨量已达100毫米以上</description>
    <area><areaDesc>温岭市</areaDesc>{poly}{geocodes}</area></info>
</alert>""".encode()


def validate(xml: bytes) -> None:
    doc = etree.fromstring(xml)
    assert cap.schema().validate(doc), cap.schema().error_log


def test_cap_import_issues_a_warning_that_calls_everyone_targeted(api_as, wenling_officer, chain):
    r = api_as(wenling_officer).post("/api/warnings", alert_xml(), content_type=CAP_CT)
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["type"], body["level"], body["regions"], body["drill"]) == ("rainstorm", "red", [WENLING], False)
    called = set(CallUpTarget.objects.filter(callup__warning_id=body["id"]).values_list("person_id", flat=True))
    assert called == {chain.county.pk, chain.township.pk, chain.village.pk, chain.grid.pk}


def test_export_validates_against_the_cap_schema_and_round_trips(api_as, wenling_officer, chain):
    client = api_as(wenling_officer)
    first = client.post("/api/warnings", alert_xml(polygon="28.3,121.3 28.4,121.3 28.4,121.5 28.3,121.3"),
                        content_type=CAP_CT).json()
    r = client.get(f"/api/warnings/{first['id']}/cap")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/cap+xml")
    validate(r.content)
    again = cap.parse_cap(r.content)
    assert (again.identifier, again.type, again.level, again.region_codes) == ("ZJ-2026-0001", "rainstorm", "red",
                                                                               [WENLING])
    assert again.polygon == Warning.objects.get(pk=first["id"]).polygon
    assert again.headline == first["headline"]


@pytest.mark.parametrize("level,severity", [("red", "Extreme"), ("orange", "Severe"), ("yellow", "Moderate"),
                                            ("blue", "Minor")])
def test_export_maps_the_colour_to_severity(api_as, wenling_officer, regions, level, severity):
    client = api_as(wenling_officer)
    w = client.post("/api/warnings", {"type": "gale", "level": level, "regions": [WENLING], "headline": "大风"}).json()
    xml = client.get(f"/api/warnings/{w['id']}/cap").content
    validate(xml)
    assert etree.fromstring(xml).findtext(f"{{{cap.NS}}}info/{{{cap.NS}}}severity") == severity


def test_cancelled_warning_exports_a_valid_cancel_referencing_the_alert(api_as, wenling_officer, regions):
    client = api_as(wenling_officer)
    w = client.post("/api/warnings", {"type": "typhoon", "level": "orange", "regions": [WENLING],
                                      "headline": "台风橙色预警"}).json()
    client.post(f"/api/warnings/{w['id']}/cancel")
    xml = client.get(f"/api/warnings/{w['id']}/cap").content
    validate(xml)
    root = etree.fromstring(xml)
    assert root.findtext(f"{{{cap.NS}}}msgType") == "Cancel"
    assert w["cap_identifier"] in root.findtext(f"{{{cap.NS}}}references")


def test_cap_cancel_stops_the_referenced_warning(api_as, wenling_officer, chain):
    client = api_as(wenling_officer)
    w = client.post("/api/warnings", alert_xml(), content_type=CAP_CT).json()
    cancel = alert_xml(identifier="ZJ-2026-0002", msg_type="Cancel",
                       references="zjqx@cma.gov.cn,ZJ-2026-0001,2026-07-01T02:00:00+08:00")
    r = client.post("/api/warnings", cancel, content_type=CAP_CT)
    assert r.status_code == 200 and r.json()["status"] == "cancelled" and r.json()["id"] == w["id"]


def test_exercise_is_a_drill(api_as, wenling_officer, regions):
    r = api_as(wenling_officer).post("/api/warnings", alert_xml(status="Exercise"), content_type=CAP_CT)
    assert r.status_code == 201 and r.json()["drill"] is True


def test_level_falls_back_to_severity_without_a_colour_word(api_as, wenling_officer, regions):
    xml = alert_xml(event="暴雨预警", severity="Severe").replace("暴雨红色预警信号".encode(), "暴雨预警信号".encode())
    r = api_as(wenling_officer).post("/api/warnings", xml, content_type=CAP_CT)
    assert r.json()["level"] == "orange"


@pytest.mark.parametrize("xml,where,word", [
    (b"<alert xmlns='urn:oasis:names:tc:emergency:cap:1.2'><identifier>x</identifier>", "cap", "XML"),
    (alert_xml().replace(b"<status>Actual</status>", b"<status>Real</status>"), "cap", "status"),
    (alert_xml().replace(b"<sent>2026-07-01T02:00:00+08:00</sent>", b""), "cap", "sent"),
    (alert_xml(codes=()), "area", "geocode"),
    (alert_xml(status="Test"), "status", "Test"),
    (alert_xml(codes=("999999",)), "regions", "999999"),
    (b"<?xml version='1.0'?><!DOCTYPE a [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><alert>&e;</alert>", "cap", "alert"),
])
def test_malformed_cap_is_a_400_naming_the_problem(api_as, wenling_officer, regions, xml, where, word):
    r = api_as(wenling_officer).post("/api/warnings", xml, content_type=CAP_CT)
    assert r.status_code == 400, r.content
    error = r.json()["error"]
    assert where in error["fields"] and word in error["message"] + str(error["fields"])
    assert Warning.objects.count() == 0


def test_cap_for_another_county_is_refused(api_as, wenling_officer, regions):
    r = api_as(wenling_officer).post("/api/warnings", alert_xml(codes=(LINHAI,)), content_type=CAP_CT)
    assert r.status_code == 403 and Warning.objects.count() == 0


def test_cap_file_upload(api_as, wenling_officer, regions):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import MULTIPART_CONTENT

    upload = SimpleUploadedFile("alert.xml", alert_xml(codes=(WENLING_VILLAGE[:9],)), content_type="text/xml")
    r = api_as(wenling_officer).post("/api/warnings", {"file": upload}, content_type=MULTIPART_CONTENT)
    assert r.status_code == 201, r.content
