"""The enforcement pages: the case list with its lights, a case with its steps and the
buttons of the next step (a decision through the discretion form), the preview form;
data as text, and another county's case not found."""

import pytest
from django.test import Client

from yingji.enforcement.models import Case

from .conftest import add_evidence, open_case, walk_to

pytestmark = pytest.mark.django_db


def logged_in(person):
    client = Client()
    client.force_login(person.user)
    return client


def test_list_and_detail_show_the_case_as_text(wenling_officer, wenling_enterprise):
    case = open_case(wenling_officer, wenling_enterprise, summary="<script>alert(1)</script>无证经营")
    add_evidence(wenling_officer, case)
    client = logged_in(wenling_officer)
    page = client.get("/cases/").content.decode()
    assert case.number in page and "light-green" in page and "<script>alert(1)" not in page
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;无证经营" in page
    assert case.evidence.get().sha256 in page and 'name="action" value="review"' in page


def test_an_officer_moves_a_case_and_decides_from_the_page(wenling_officer, wenling_enterprise):
    case = walk_to(wenling_officer, open_case(wenling_officer, wenling_enterprise), "prior_notice")
    client = logged_in(wenling_officer)
    r = client.post(f"/cases/{case.pk}/", {
        "action": "decide", "decide-provision": "hazchem-unlicensed-trading", "decide-decided_on": "2024-06-01",
        "decide-party": "enterprise", "decide-sales_revenue": "244048.66", "decide-mitigations": ["removed_harm"],
        "decide-mitigation": "reduced", "decide-circumstance": "ordinary"})
    assert r.status_code == 302, r.content.decode()[-3000:]
    decision = Case.objects.get(pk=case.pk).decisions.get()
    assert (decision.tier, decision.fine) == ("gains-above-100k", 50000)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert "244048.66" in page and "第三十二条" in page


def test_an_invalid_form_stays_on_the_page(wenling_officer, wenling_enterprise):
    case = open_case(wenling_officer, wenling_enterprise)
    r = logged_in(wenling_officer).post(f"/cases/{case.pk}/", {"action": "transfer", "transfer-agency": ""})
    assert r.status_code == 200 and Case.objects.get(pk=case.pk).state == "investigation"
    assert logged_in(wenling_officer).post(f"/cases/{case.pk}/", {"action": "close"}).status_code == 404


def test_the_preview_form_applies_the_rules(wenling_officer):
    r = logged_in(wenling_officer).get("/cases/discretion/", {
        "provision": "hazchem-unlicensed-trading", "decided_on": "2023-05-01", "party": "enterprise",
        "illegal_gains": "50000", "mitigation": "lighter", "circumstance": "heavier"})
    page = r.content.decode()
    assert r.status_code == 200 and "150000" in page and "违法所得10万元以下" in page
    assert logged_in(wenling_officer).get("/cases/discretion/").status_code == 200


def test_another_countys_case_page_is_not_found(wenling_officer, linhai_officer, linhai_enterprise):
    case = open_case(linhai_officer, linhai_enterprise)
    assert logged_in(wenling_officer).get(f"/cases/{case.pk}/").status_code == 404


def test_the_pages_have_no_untranslated_english(wenling_officer, wenling_enterprise):
    from ..web.crawl import parse, untranslated

    case = walk_to(wenling_officer, open_case(wenling_officer, wenling_enterprise), "decision")
    add_evidence(wenling_officer, open_case(wenling_officer, wenling_enterprise))
    client = logged_in(wenling_officer)
    pages = ["/cases/", f"/cases/{case.pk}/", "/cases/discretion/",
             "/cases/discretion/?provision=hazchem-unlicensed-trading&decided_on=2024-06-01&party=enterprise"
             "&sales_revenue=244048.66&mitigations=removed_harm&mitigation=reduced&circumstance=ordinary"]
    for path in pages:
        r = client.get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert r.status_code == 200
        assert untranslated(parse(r.content.decode()).texts) == [], path


def test_the_filing_form_and_the_decision_as_pdf(wenling_officer, wenling_enterprise):
    from ..pdftext import drawn_text

    case = walk_to(wenling_officer, open_case(wenling_officer, wenling_enterprise), "decision")
    client = logged_in(wenling_officer)
    filing = client.get(f"/cases/{case.pk}/filing.pdf")
    assert filing.status_code == 200 and filing["Content-Type"] == "application/pdf"
    assert "立案审批表" in drawn_text(filing.content) and case.number in drawn_text(filing.content)
    decision = client.get(f"/cases/{case.pk}/decision.pdf")
    text = drawn_text(decision.content)
    assert "行政处罚决定书" in text and "50,000.00" in text and "244,048.66" in text and "2013-12-07" in text
    other = open_case(wenling_officer, wenling_enterprise)
    assert client.get(f"/cases/{other.pk}/decision.pdf").status_code == 404
    assert client.get(f"/cases/{case.pk}/other.pdf").status_code == 404


def test_the_prior_notice_and_the_transfer_letter_as_pdf(wenling_officer, wenling_enterprise):
    from yingji.enforcement import services

    from ..pdftext import drawn_text

    client = logged_in(wenling_officer)
    decided = walk_to(wenling_officer, open_case(wenling_officer, wenling_enterprise), "decision")
    notice = drawn_text(client.get(f"/cases/{decided.pk}/notice.pdf").content)
    assert "行政处罚告知书" in notice and "听证" in notice
    sent = open_case(wenling_officer, wenling_enterprise)
    item = add_evidence(wenling_officer, sent, b"statement")
    services.case_act(by=wenling_officer.user, case=sent, action="transfer", agency="温岭市公安局",
                      note="涉嫌非法经营罪", evidence_ids=[item.pk])
    letter = drawn_text(client.get(f"/cases/{sent.pk}/transfer.pdf").content)
    assert "温岭市公安局" in letter and item.sha256 in letter.replace("\n", "")
    assert client.get(f"/cases/{decided.pk}/transfer.pdf").status_code == 404


def test_the_reopening_check_from_the_case_page(wenling_officer, wenling_enterprise):
    from yingji.enforcement import services

    case = walk_to(wenling_officer, open_case(wenling_officer, wenling_enterprise, always_stop=True), "decision")
    order = case.stop_orders.get()
    client = logged_in(wenling_officer)
    page = client.get(f"/cases/{case.pk}/").content.decode()
    assert 'value="reopening_check"' in page
    r = client.post(f"/cases/{case.pk}/", {"action": "reopening_check", "order": order.pk, "outcome": "整改到位"})
    assert r.status_code == 302
    order.refresh_from_db()
    assert order.check_outcome == "整改到位" and order.checked_at
    assert client.post(f"/cases/{case.pk}/", {"action": "reopening_check", "order": "x"}).status_code == 404
    assert services.allowed_actions(case) == ["serve"]


def test_the_review_queue_accepts_and_dismisses(wenling_officer, wenling_enterprise, linhai_officer):
    from django.utils import timezone

    from yingji.enforcement import offsite
    from yingji.enforcement.models import Detection

    from ..conftest import LINHAI_TOWN
    from ..web.crawl import parse, untranslated

    def detect(officer, **kw):
        return offsite.detection_receive(by=officer.user, source="camera", kind="confined_space_entry",
                                         detected_at=timezone.now(), place="污水池", confidence=0.95, **kw)

    accept, dismiss = detect(wenling_officer, party_uscc=wenling_enterprise.uscc), detect(
        wenling_officer, party_uscc=wenling_enterprise.uscc)
    theirs = detect(linhai_officer, region=LINHAI_TOWN)
    client = logged_in(wenling_officer)
    r = client.get("/cases/offsite/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert r.status_code == 200 and "有限空间作业" in r.content.decode()
    assert untranslated(parse(r.content.decode()).texts) == []
    assert client.post("/cases/offsite/", {"detection": accept.pk, "action": "accept"}).status_code == 302
    assert Detection.objects.get(pk=accept.pk).case_id is not None
    r = client.post("/cases/offsite/", {"detection": dismiss.pk, "action": "dismiss", "reason": ""})
    assert r.status_code == 200 and Detection.objects.get(pk=dismiss.pk).state == "pending"
    r = client.post("/cases/offsite/", {"detection": dismiss.pk, "action": "dismiss", "reason": "误报"})
    assert r.status_code == 302 and Detection.objects.get(pk=dismiss.pk).state == "dismissed"
    assert client.post("/cases/offsite/", {"detection": theirs.pk, "action": "accept"}).status_code == 404
    assert Detection.objects.get(pk=theirs.pk).state == "pending"
