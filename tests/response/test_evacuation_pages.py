"""The evacuation pages: counts by region with completeness, the village's households
with the big buttons, a household's history, shelters with occupancy; the same counts
on the page, through the API and in the Excel export."""

import io

import openpyxl
import pytest

from yingji.response.models import Household
from yingji.response.services.evacuation import household_act

from ..conftest import WENLING, WENLING_TOWN
from .evacuation_fixtures import W1, W2, household, shelter, villages  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client, wenling_officer):
    client.force_login(wenling_officer.user)
    return client


def sheet(response):
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_the_home_page_drills_down_with_the_same_counts_as_the_api_and_export(browser, api_as, wenling_officer,
                                                                              villages):
    a, b = household(W1, members=3), household(W2, members=5)
    household(W1, members=2)
    household_act(by=None, household=a, action="move")
    household_act(by=None, household=b, action="move")
    page = browser.get("/response/evacuation/", {"region": WENLING})
    assert page.status_code == 200
    assert page.context["total"]["planned"] == 10 and page.context["total"]["moved"] == 8
    assert page.context["percent"] == 80
    assert [(r["region"], r["planned"], r["moved"]) for r in page.context["rows"]] == [(WENLING_TOWN, 10, 8)]
    api = api_as(wenling_officer).get("/api/evacuation/figures", {"region": WENLING}).json()
    assert (api["planned"], api["moved"]) == (10, 8)
    rows = sheet(browser.get("/response/evacuation/", {"region": WENLING_TOWN, "format": "xlsx"}))
    by_code = {r[0]: r for r in rows[1:]}
    assert by_code[WENLING_TOWN][3] == 10 and by_code[WENLING_TOWN][5] == 8  # the total row
    assert (by_code[W1][3], by_code[W1][5], by_code[W2][3], by_code[W2][5]) == (5, 3, 5, 5)
    village = browser.get("/response/evacuation/", {"region": WENLING_TOWN})
    assert f'href="/response/evacuation/households/?region={W1}"' in village.content.decode()


def test_the_big_buttons_record_steps_and_refuse_a_full_shelter(browser, villages):
    place = shelter(W1, capacity=3, name="村礼堂")
    h, other = household(W1, members=3, shelter_id=place.pk), household(W1, members=2)
    page = browser.get("/response/evacuation/households/", {"region": W1})
    assert page.status_code == 200 and "村礼堂" in page.content.decode()
    back = f"/response/evacuation/households/?region={W1}"
    r = browser.post(f"/response/evacuation/households/{h.pk}/act/", {"action": "move", "next": back})
    assert r.status_code == 302 and r["Location"] == back
    browser.post(f"/response/evacuation/households/{h.pk}/act/", {"action": "shelter", "shelter_id": place.pk})
    assert Household.objects.get(pk=h.pk).state == "sheltered"
    r = browser.post(f"/response/evacuation/households/{other.pk}/act/",
                     {"action": "shelter", "shelter_id": place.pk}, follow=True)
    assert "已满" in r.content.decode() or "full" in r.content.decode()
    assert Household.objects.get(pk=other.pk).state == "to_move"
    detail = browser.get(f"/response/evacuation/households/{h.pk}/")
    assert len(detail.context["history"]) == 2
    shelters = browser.get("/response/shelters/")
    assert [(s.pk, s.occupancy, s.percent) for s in shelters.context["page"].object_list] == [(place.pk, 3, 100)]
    assert browser.get(f"/response/shelters/{place.pk}/").status_code == 200


def test_the_household_list_exports_what_the_page_lists(browser, villages):
    household(W1, members=3, head="甲")
    household(W2, members=4, head="乙")
    rows = sheet(browser.get("/response/evacuation/households/", {"region": W1, "format": "xlsx"}))
    assert [r[2] for r in rows[1:]] == ["甲"]


def test_the_quick_report_form_files_a_townships_figures(browser, villages):
    r = browser.post("/response/evacuation/quick-report/", {"region": WENLING_TOWN, "as_of": "2026-09-08T10:00",
                                                             "moved": 40, "sheltered": 30, "returned": 0})
    assert r.status_code == 302
    home = browser.get("/response/evacuation/", {"region": WENLING})
    assert home.context["total"]["reported"]["moved"] == 40 and home.context["total"]["moved"] == 0
    bad = browser.post("/response/evacuation/quick-report/", {"region": WENLING_TOWN, "as_of": "2026-09-08T10:00",
                                                               "moved": 1, "sheltered": 5, "returned": 0})
    assert bad.status_code == 200 and bad.context["form"].errors


def test_another_countys_pages_are_not_found(browser, villages):
    from .evacuation_fixtures import L1
    h, place = household(L1), shelter(L1)
    assert browser.get(f"/response/evacuation/households/{h.pk}/").status_code == 404
    assert browser.get(f"/response/shelters/{place.pk}/").status_code == 404
    assert browser.get("/response/evacuation/", {"region": "331082"}).status_code == 404
    assert browser.post(f"/response/evacuation/households/{h.pk}/act/", {"action": "move"}).status_code == 404


@pytest.mark.parametrize("form", [{"action": "fly"}, {"action": "move", "expected_state": "flying"},
                                  {"action": "shelter", "shelter_id": "9" * 30}, {"action": "shelter"}, {}])
def test_bad_button_posts_are_refused_with_a_message_never_a_500(browser, villages, form):
    h = household(W1)
    r = browser.post(f"/response/evacuation/households/{h.pk}/act/", form, follow=True)
    assert r.status_code == 200
    assert Household.objects.get(pk=h.pk).state == "to_move"


def test_the_import_page_reports_rows_and_offers_the_refused_ones(browser, villages):
    from django.core.files.uploadedfile import SimpleUploadedFile

    assert browser.get("/response/evacuation/import/", {"template": "xlsx"})["Content-Type"].startswith(
        "application/vnd.openxmlformats")
    content = f"村代码,户主,人数\n{W1},王一,3\n{W1},王二,零\n".encode()
    r = browser.post("/response/evacuation/import/", {"file": SimpleUploadedFile("h.csv", content)})
    assert r.status_code == 200
    report = r.context["report"]
    assert (report.created, report.rejected) == (1, 1) and report.errors[0]["row"] == 3
    kept = browser.get(f"/imports/rejected/{report.rejects}.xlsx")
    assert kept.status_code == 200 and [row[1] for row in sheet(kept)[1:]] == ["王二"]
