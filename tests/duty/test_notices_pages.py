"""The pages of notices and consultations: a city officer writes a notice and follows
each county's progress, a county officer answers on the notice's page, consultations
are recorded from their list's form; and on a phone a county answers through the link
of its SMS, in real Chromium, with nothing wider than the phone."""

import pytest
from django.test import Client

from yingji.duty import services
from yingji.duty.models import Consultation, ConsultationAction, Notice, NoticeTarget

from ..browser import page, sync_api  # noqa: F401  (the shared Chromium fixture)
from ..conftest import LINHAI, TAIZHOU, WENLING
from .notices_fixtures import desks, fast_passwords  # noqa: F401

pytestmark = pytest.mark.django_db
PHONE = {"width": 390, "height": 844}


def client_of(person) -> Client:
    client = Client()
    client.force_login(person.user)
    return client


def test_a_city_officer_sends_a_notice_from_the_form(desks, taizhou_officer):
    client = client_of(taizhou_officer)
    assert client.get("/duty/notices/new/").status_code == 200
    r = client.post("/duty/notices/new/", {"kind": "tip_sheet", "urgency": "urgent", "title": "防汛提示",
                                           "body": "请加强值班。", "targets": "温岭市、临海市"})
    notice = Notice.objects.get(title="防汛提示")
    assert r.status_code == 302 and r["Location"] == f"/duty/notices/{notice.pk}/"
    assert set(notice.targets.values_list("region_id", flat=True)) == {WENLING, LINHAI}
    page_text = client.get(r["Location"]).content.decode()
    assert "防汛提示" in page_text and 'data-region="331082"' in page_text


def test_the_form_keeps_a_target_outside_the_jurisdiction_next_to_its_field(desks, wenling_officer):
    r = client_of(wenling_officer).post("/duty/notices/new/", {"kind": "tip_sheet", "urgency": "normal",
                                                                "title": "t", "body": "b", "targets": "临海市"})
    assert r.status_code == 200 and Notice.objects.count() == 0
    assert "field-error" in r.content.decode()


def test_the_list_shows_each_notices_progress(desks, taizhou_officer, wenling_officer):
    notice = services.notice_create(by=taizhou_officer.user, region=TAIZHOU, title="防台提示", body="正文",
                                    kind="tip_sheet", targets=[WENLING, LINHAI])
    services.notice_answer(by=wenling_officer.user, notice=notice, answer="已落实")
    text = client_of(taizhou_officer).get("/duty/notices/").content.decode()
    assert 'data-answered="1" data-total="2"' in text


def test_a_county_officer_answers_on_the_notices_page(desks, taizhou_officer, wenling_officer):
    notice = services.notice_create(by=taizhou_officer.user, region=TAIZHOU, title="防台提示", body="正文",
                                    kind="tip_sheet", targets=[WENLING, LINHAI])
    client = client_of(wenling_officer)
    assert 'data-answered="0" data-total="1"' in client.get("/duty/notices/").content.decode()
    assert client.get(f"/duty/notices/{notice.pk}/").status_code == 200
    assert NoticeTarget.objects.get(notice=notice, region_id=WENLING).read_at is not None
    r = client.post(f"/duty/notices/{notice.pk}/", {"answer": "已部署"})
    assert r.status_code == 302
    target = NoticeTarget.objects.get(notice=notice, region_id=WENLING)
    assert (target.state, target.answer) == ("answered", "已部署")
    assert NoticeTarget.objects.get(notice=notice, region_id=LINHAI).state == "sent"


def test_a_consultation_is_recorded_from_the_list_form(regions, taizhou_officer):
    client = client_of(taizhou_officer)
    assert client.get("/duty/consultations/").status_code == 200
    r = client.post("/duty/consultations/", {
        "kind": "daily_dispatch", "held_at": "2026-07-01T08:30", "topic": "日调度", "convened_by": "值班长",
        "actions": "核查转移人数 | 各县 | 2026-07-02\n\n巡查山塘"})
    row = Consultation.objects.get(topic="日调度")
    assert r.status_code == 302 and r["Location"] == f"/duty/consultations/{row.pk}/"
    assert list(ConsultationAction.objects.filter(consultation=row).values_list("text", "owner")) == [
        ("核查转移人数", "各县"), ("巡查山塘", "")]
    r = client.post(f"/duty/consultations/{row.pk}/", {"text": "补充：玉环连线参会"})
    assert r.status_code == 302 and row.notes.count() == 1
    bad = client.post("/duty/consultations/", {"kind": "daily_dispatch", "held_at": "2026-07-01T08:30",
                                               "topic": "x", "convened_by": "y", "actions": "a | b | 2026-99-01"})
    assert bad.status_code == 200 and Consultation.objects.count() == 1


def test_another_countys_notice_page_is_not_found(desks, wenling_officer, linhai_officer):
    notice = services.notice_create(by=wenling_officer.user, region=WENLING, title="温岭镇街提示", body="正文",
                                    kind="tip_sheet", targets=["331081001"])
    client = client_of(linhai_officer)
    assert client.get(f"/duty/notices/{notice.pk}/").status_code == 404
    assert client.post(f"/duty/notices/{notice.pk}/", {"answer": "x"}).status_code == 404


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_county_answers_on_a_phone_through_its_link(live_server, page, desks, taizhou_officer):  # noqa: F811
    expect = sync_api.expect
    notice = services.notice_create(by=taizhou_officer.user, region=TAIZHOU, title="关于做好台风防御工作的提示单",
                                    body="请落实人员转移。", kind="tip_sheet", urgency="very_urgent",
                                    targets=[WENLING, LINHAI])
    target = NoticeTarget.objects.get(notice=notice, region_id=LINHAI)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/duty/notices/answer/{services.answer_token(target, desks.linhai_shift.pk)}")
    expect(page.locator("h1")).to_have_text("关于做好台风防御工作的提示单")
    page.fill("#id_answer", "已转移 120 人")
    page.click("button[type=submit].primary")
    expect(page.locator("[data-answered]")).to_have_count(1)
    target.refresh_from_db()
    assert (target.state, target.answered_by_id) == ("answered", desks.linhai_shift.pk)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_the_demos_notice_and_consultation_pages_are_chinese(regions):
    """Every page of notices and consultations, as the demo's city and county see them
    in Chinese (the default language): no English left (the crawl's rule)."""
    from django.contrib.auth import get_user_model

    from yingji.duty.demo_notices import seed_notices_demo

    from ..conftest import _person
    from ..web.crawl import parse, untranslated

    _person("demo-taizhou", TAIZHOU, "officer")
    _person("demo-wenling", WENLING, "officer")
    seed_notices_demo()
    target = NoticeTarget.objects.filter(late=True).first()
    for username in ("demo-taizhou", "demo-wenling"):
        client = Client()
        client.force_login(get_user_model().objects.get(username=username))
        paths = ["/duty/notices/", "/duty/notices/new/", "/duty/consultations/",
                 *(f"/duty/notices/{n.pk}/" for n in Notice.objects.all()),
                 *(f"/duty/consultations/{c.pk}/" for c in Consultation.objects.all())]
        for path in paths:
            r = client.get(path)
            assert r.status_code in (200, 404), path
            if r.status_code == 200:
                assert untranslated(parse(r.content.decode()).texts) == [], path
    anonymous = Client()
    for path in (f"/duty/notices/answer/{services.answer_token(target, 1)}", "/duty/notices/answer/forged"):
        r = anonymous.get(path)
        assert untranslated(parse(r.content.decode()).texts) == [], path


def test_an_attachment_is_checked_and_served_only_to_those_who_see_the_notice(desks, taizhou_officer,
                                                                                wenling_officer, linhai_officer,
                                                                                settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)
    client = client_of(taizhou_officer)
    form = {"kind": "circular", "urgency": "normal", "title": "防汛方案", "body": "见附件。", "targets": "温岭市"}
    disguised = SimpleUploadedFile("方案.pdf", b"<html><script>alert(1)</script></html>")
    r = client.post("/duty/notices/new/", {**form, "attachment": disguised})
    assert r.status_code == 200 and Notice.objects.count() == 0 and "field-error" in r.content.decode()
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
    r = client.post("/duty/notices/new/", {**form, "attachment": SimpleUploadedFile("方案.pdf", pdf)})
    notice = Notice.objects.get(title="防汛方案")
    url = f"/duty/notices/{notice.pk}/attachment"
    download = client_of(wenling_officer).get(url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == pdf
    assert download["Content-Type"] == "application/octet-stream"
    assert client_of(linhai_officer).get(url).status_code == 404
