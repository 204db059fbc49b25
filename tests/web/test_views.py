"""The web UI: login, scope isolation, filters, forms and import, rendered by Django's
test client as a Wenling (温岭) county officer would see them."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from yingji.core.models import AuditRecord, Region
from yingji.core.scope import Scope
from yingji.enterprises.choices import RiskGrade
from yingji.enterprises.models import Enterprise
from yingji.web import selectors
from yingji.web.forms import EnterpriseForm

from ..conftest import LINHAI_TOWN, WENLING, WENLING_TOWN
from ..factories import EnterpriseFactory, valid_uscc

pytestmark = pytest.mark.django_db

PAGES = ["/", "/regions/331081/", "/regions/331081001/", "/enterprises/", "/enterprises/import/"]


@pytest.fixture
def client_as():
    def login(person):
        client = Client()
        client.force_login(person.user)
        return client
    return login


@pytest.fixture
def wenling(client_as, wenling_officer):
    return client_as(wenling_officer)


@pytest.mark.parametrize("path", [*PAGES, "/regions/", "/enterprises/1/", "/enterprises/1/edit/",
                                  "/enterprises/export.csv"])
def test_every_page_but_login_redirects_anonymous_users_to_login(client, regions, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


def test_login_page_renders_and_logs_in(client, wenling_officer):
    assert client.get("/login/").status_code == 200
    response = client.post("/login/", {"username": "t-wenling", "password": "pw"})
    assert response.status_code == 302 and response["Location"] == "/"


@pytest.mark.parametrize("path", PAGES)
def test_each_page_renders_for_a_wenling_officer(wenling, wenling_enterprise, path):
    assert wenling.get(path).status_code == 200


def test_enterprise_detail_and_edit_render_for_a_wenling_officer(wenling, wenling_enterprise):
    for path in (f"/enterprises/{wenling_enterprise.id}/", f"/enterprises/{wenling_enterprise.id}/edit/"):
        response = wenling.get(path)
        assert response.status_code == 200
        assert wenling_enterprise.name in response.content.decode()


def test_region_root_redirects_to_the_officers_own_region(wenling):
    response = wenling.get("/regions/")
    assert response.status_code == 302 and response["Location"] == f"/regions/{WENLING}/"


def test_linhai_enterprise_is_404_for_a_wenling_officer(wenling, linhai_enterprise):
    for path in (f"/enterprises/{linhai_enterprise.id}/", f"/enterprises/{linhai_enterprise.id}/edit/"):
        assert wenling.get(path).status_code == 404


def test_regions_outside_scope_are_404(wenling):
    assert wenling.get("/regions/331082/").status_code == 404  # Linhai
    assert wenling.get("/regions/3310/").status_code == 404  # Taizhou, above Wenling
    assert wenling.get("/regions/999999/").status_code == 404  # nowhere


def test_list_shows_only_enterprises_in_scope(wenling, wenling_enterprise, linhai_enterprise):
    html = wenling.get("/enterprises/").content.decode()
    assert wenling_enterprise.name in html
    assert linhai_enterprise.name not in html


def test_filter_by_risk_grade_keeps_only_that_grade(wenling, regions):
    red = EnterpriseFactory(region_id=WENLING_TOWN, risk_grade=RiskGrade.RED)
    blue = EnterpriseFactory(region_id=WENLING_TOWN, risk_grade=RiskGrade.BLUE)
    html = wenling.get("/enterprises/", {"risk_grade": "red"}).content.decode()
    assert red.name in html and blue.name not in html


def test_text_search_and_region_filter(wenling, regions):
    a = EnterpriseFactory(region_id=WENLING_TOWN, name="甲化工有限公司")
    b = EnterpriseFactory(region_id="331081002", name="乙机械有限公司")
    html = wenling.get("/enterprises/", {"q": "化工"}).content.decode()
    assert a.name in html and b.name not in html
    html = wenling.get("/enterprises/", {"region": "331081002"}).content.decode()
    assert b.name in html and a.name not in html


def test_htmx_filter_request_gets_only_the_results(wenling, wenling_enterprise):
    response = wenling.get("/enterprises/", {"q": wenling_enterprise.name}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert wenling_enterprise.name in html
    assert "<html" not in html and 'role="search"' not in html


def test_htmx_history_restore_gets_the_whole_page(wenling, wenling_enterprise):
    response = wenling.get("/enterprises/", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert 'role="search"' in response.content.decode()
    assert "HX-Request" in response["Vary"]


def test_list_pages_fifty_at_a_time(wenling, regions):
    EnterpriseFactory.create_batch(51, region_id=WENLING_TOWN)
    first = wenling.get("/enterprises/").content.decode()
    second = wenling.get("/enterprises/", {"page": 2}).content.decode()
    assert first.count('data-risk="') == 50
    assert second.count('data-risk="') == 1


def test_export_csv_holds_only_the_filtered_enterprises_in_scope(wenling, wenling_enterprise, linhai_enterprise):
    other = EnterpriseFactory(region_id=WENLING_TOWN, risk_grade=RiskGrade.RED)
    response = wenling.get("/enterprises/export.csv", {"risk_grade": wenling_enterprise.risk_grade})
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert wenling_enterprise.uscc in body
    assert other.uscc not in body and linhai_enterprise.uscc not in body


def test_risk_grade_counts_cover_every_grade_within_scope(wenling_officer):
    EnterpriseFactory.create_batch(2, region_id=WENLING_TOWN, risk_grade=RiskGrade.RED)
    EnterpriseFactory(region_id=WENLING_TOWN, risk_grade=RiskGrade.BLUE)
    EnterpriseFactory(region_id=LINHAI_TOWN, risk_grade=RiskGrade.RED)
    counts = {g["grade"]: g["count"] for g in selectors.risk_grade_counts(
        scope=Scope.for_user(wenling_officer.user))}
    assert counts == {"red": 2, "orange": 0, "yellow": 0, "blue": 1}


def test_region_children_count_enterprises_of_their_whole_subtree(wenling_officer):
    scope = Scope.for_user(wenling_officer.user)
    village = Region.objects.create(code=WENLING_TOWN + "001", name="测试村", level=5, parent_id=WENLING_TOWN)
    EnterpriseFactory(region_id=WENLING_TOWN)
    EnterpriseFactory(region_id=village.code)
    EnterpriseFactory(region_id="331081002")
    wenling = Region.objects.get(code=WENLING)
    counts = selectors.enterprise_counts_by_child(scope=scope, region=wenling, children=wenling.children.all())
    assert counts[WENLING_TOWN] == 2 and counts["331081002"] == 1


def test_breadcrumb_stops_at_the_officers_region(wenling_officer):
    town = Region.objects.get(code=WENLING_TOWN)
    chain = selectors.ancestors_in_scope(scope=Scope.for_user(wenling_officer.user), region=town)
    assert [r.code for r in chain] == [WENLING]


def test_officer_adds_a_village_under_a_township(wenling):
    response = wenling.post(f"/regions/{WENLING_TOWN}/", {"suffix": "201", "name": "新建村"})
    assert response.status_code == 302
    village = Region.objects.get(code=WENLING_TOWN + "201")
    assert village.name == "新建村" and village.level == 5


def test_adding_an_existing_village_code_shows_the_error_next_to_the_number(wenling):
    wenling.post(f"/regions/{WENLING_TOWN}/", {"suffix": "201", "name": "新建村"})
    response = wenling.post(f"/regions/{WENLING_TOWN}/", {"suffix": "201", "name": "又一村"})
    assert response.status_code == 200
    assert response.context["form"].errors["suffix"]
    assert not Region.objects.filter(name="又一村").exists()


def test_county_page_offers_no_village_form(wenling):
    assert wenling.get(f"/regions/{WENLING}/").context["form"] is None


def test_edit_saves_through_the_service_and_is_audited(wenling, wenling_enterprise, wenling_officer):
    data = {k: v for k, v in EnterpriseForm.initial_for(wenling_enterprise).items() if v is not None}
    data.update(name="改名后有限公司", tags="锂电池，重点企业")
    response = wenling.post(f"/enterprises/{wenling_enterprise.id}/edit/", data)
    assert response.status_code == 302
    wenling_enterprise.refresh_from_db()
    assert wenling_enterprise.name == "改名后有限公司"
    assert sorted(t.name for t in wenling_enterprise.tags.all()) == ["重点企业", "锂电池"]
    assert AuditRecord.objects.filter(object_type="enterprises.enterprise",
                                      object_id=str(wenling_enterprise.id), action="update").exists()
    detail = wenling.get(f"/enterprises/{wenling_enterprise.id}/").content.decode()
    assert wenling_officer.name in detail  # the change shows in its recent audit records, by whom


def test_edit_shows_a_duplicate_credit_code_next_to_the_field(wenling, wenling_enterprise):
    other = EnterpriseFactory(region_id=WENLING_TOWN)
    data = {k: v for k, v in EnterpriseForm.initial_for(wenling_enterprise).items() if v is not None}
    data["uscc"] = other.uscc
    response = wenling.post(f"/enterprises/{wenling_enterprise.id}/edit/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["uscc"]
    wenling_enterprise.refresh_from_db()
    assert wenling_enterprise.uscc != other.uscc


def test_edit_refuses_moving_an_enterprise_out_of_scope(wenling, wenling_enterprise):
    data = {k: v for k, v in EnterpriseForm.initial_for(wenling_enterprise).items() if v is not None}
    data["region"] = LINHAI_TOWN
    response = wenling.post(f"/enterprises/{wenling_enterprise.id}/edit/", data)
    assert response.status_code == 200
    assert response.context["form"].errors["region"]
    assert Enterprise.objects.get(pk=wenling_enterprise.pk).region_id == WENLING_TOWN


def test_viewer_may_not_open_the_edit_form_or_import(client_as, wenling_viewer, wenling_enterprise):
    viewer = client_as(wenling_viewer)
    assert viewer.get(f"/enterprises/{wenling_enterprise.id}/edit/").status_code == 403
    assert viewer.get("/enterprises/import/").status_code == 403


def test_import_page_reports_each_rejected_row(wenling, regions):
    good = valid_uscc()
    content = (f"企业名称,统一社会信用代码,所属乡镇代码\n"
               f"导入测试有限公司,{good},{WENLING_TOWN}\n"
               f"坏代码有限公司,91331081XXXXXXXXX1,{WENLING_TOWN}\n").encode()
    upload = SimpleUploadedFile("register.csv", content, content_type="text/csv")
    response = wenling.post("/enterprises/import/", {"file": upload})
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.created, report.rejected) == (1, 1)
    assert [e.row for e in report.errors] == [3]  # header is row 1, the bad row row 3
    html = response.content.decode()
    assert 'class="report-errors"' in html and "<td class=\"num\">3</td>" in html
    assert Enterprise.objects.filter(uscc=good).exists()


def test_import_refuses_other_file_types_with_a_field_error(wenling):
    response = wenling.post("/enterprises/import/", {"file": SimpleUploadedFile("x.pdf", b"%PDF")})
    assert response.status_code == 200 and response.context["form"].errors["file"]


def test_pages_default_to_chinese_and_switch_to_english(wenling):
    assert ">企业<" in wenling.get("/").content.decode()
    wenling.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert ">Enterprises<" in wenling.get("/").content.decode()


_ASSET = re.compile(r'<(?:script|link|img|iframe|source)\b[^>]*\b(?:src|href)\s*=\s*["\']?\s*(?:https?:)?//',
                    re.IGNORECASE)


def test_no_page_loads_anything_from_another_host(client, wenling, wenling_enterprise):
    paths = [*PAGES, f"/enterprises/{wenling_enterprise.id}/", f"/enterprises/{wenling_enterprise.id}/edit/"]
    pages = {p: wenling.get(p).content.decode() for p in paths}
    pages["/login/"] = client.get("/login/").content.decode()
    offenders = {p: _ASSET.findall(html) for p, html in pages.items() if _ASSET.search(html)}
    assert offenders == {}
    assert all("leaflet" not in html or "/static/vendor/leaflet-1.9.4/leaflet.js" in html for html in pages.values())


def test_enterprise_user_sees_and_edits_only_their_own_contact_details(client_as, enterprise_user,
                                                                       wenling_enterprise):
    other = EnterpriseFactory(region_id=WENLING_TOWN)
    client = client_as(enterprise_user)
    html = client.get("/enterprises/").content.decode()
    assert wenling_enterprise.name in html and other.name not in html
    form = client.get(f"/enterprises/{wenling_enterprise.id}/edit/").context["form"]
    assert "name" not in form.fields and "risk_grade" not in form.fields and "contact_phone" in form.fields
    response = client.post(f"/enterprises/{wenling_enterprise.id}/edit/",
                           {"contact_phone": "0576-12345678", "address": "新地址 8 号"})
    assert response.status_code == 302
    wenling_enterprise.refresh_from_db()
    assert (wenling_enterprise.contact_phone, wenling_enterprise.address) == ("0576-12345678", "新地址 8 号")
    assert client.get("/enterprises/import/").status_code == 403


@pytest.mark.parametrize("path", ["/", "/regions/33/", "/enterprises/", "/enterprises/import/"])
def test_pages_render_for_the_province_admin(client_as, province_admin, wenling_enterprise, path):
    assert client_as(province_admin).get(path).status_code == 200


def test_map_uses_tiles_only_when_a_tile_url_is_configured(wenling, wenling_enterprise, settings):
    path = f"/enterprises/{wenling_enterprise.id}/"
    assert "data-tiles" not in wenling.get(path).content.decode()
    settings.YINGJI_TILE_URL = "/tiles/{z}/{x}/{y}.png"
    assert 'data-tiles="/tiles/{z}/{x}/{y}.png"' in wenling.get(path).content.decode()


def test_map_marks_the_enterprise_in_its_city(wenling, wenling_enterprise):
    html = wenling.get(f"/enterprises/{wenling_enterprise.id}/").content.decode()
    assert 'data-city="3310"' in html  # Taizhou, the city of Wenling
    assert f'data-lng="{wenling_enterprise.longitude:f}"' in html


def test_unknown_export_format_is_a_400_page_not_a_crash(wenling):
    response = wenling.get("/enterprises/export.pdf")
    assert response.status_code == 400 and "不支持的格式" in response.content.decode()


def test_not_found_page_speaks_plainly(wenling, linhai_enterprise):
    response = wenling.get(f"/enterprises/{linhai_enterprise.id}/")
    assert response.status_code == 404 and "管辖范围" in response.content.decode()


def test_import_page_links_the_template_download(wenling):
    html = wenling.get("/enterprises/import/").content.decode()
    href = re.search(r'href="([^"]*import-template\?format=xlsx)"', html).group(1)
    response = wenling.get(href)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


def test_an_english_browser_still_gets_chinese_until_the_person_switches(client, wenling_officer):
    page = client.get("/login/", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert page.headers["Content-Language"] == "zh-hans"
    client.cookies["django_language"] = "en"
    assert client.get("/login/").headers["Content-Language"] == "en"
