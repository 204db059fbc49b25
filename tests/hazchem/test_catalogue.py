"""The shipped catalogue (data/SOURCE.md) as loaded by the data migration, and its API."""

import pytest

from yingji.hazchem.catalogue import catalogue_rows, precursor_rows
from yingji.hazchem.models import Chemical

from .helpers import chemical

pytestmark = pytest.mark.django_db


def test_the_catalogue_holds_every_entry_of_the_2015_list():
    listed = Chemical.objects.filter(serial_no__isnull=False)
    assert listed.count() == 2828 == len(catalogue_rows())
    assert listed.filter(highly_toxic=True).count() == 148
    assert listed.filter(cas="").count() == 154
    assert set(listed.values_list("serial_no", flat=True)) == set(range(1, 2829))


def test_explosive_precursors_are_marked_and_the_unlisted_one_has_its_own_row():
    assert len(precursor_rows()) == 74
    assert Chemical.objects.filter(explosive_precursor=True).count() == 74
    pentaerythritol = Chemical.objects.get(precursor_serial="9.7")
    assert pentaerythritol.serial_no is None and pentaerythritol.cas_list == ["115-77-5"]
    nitric = Chemical.objects.get(serial_no=2285)
    assert nitric.explosive_precursor and nitric.precursor_class == "氧化性液体，类别3"
    assert nitric.requires_use_permit


def test_caustic_soda_is_in_the_catalogue_and_not_highly_toxic():
    soda = chemical("1310-73-2")
    assert (soda.serial_no, soda.name, soda.alias_list) == (1669, "氢氧化钠", ["苛性钠", "烧碱"])
    assert not soda.highly_toxic and not soda.explosive_precursor and not soda.requires_use_permit


def test_several_cas_numbers_are_a_list():
    assert Chemical.objects.get(serial_no=860).cas_list == ["15120-21-5", "7632-04-4", "11138-47-9"]


def test_loading_twice_changes_nothing():
    import importlib

    from django.apps import apps

    before = Chemical.objects.count()
    importlib.import_module("yingji.hazchem.migrations.0002_catalogue").load(apps, None)
    assert Chemical.objects.count() == before == 2829


@pytest.mark.parametrize("q, serial", [("烧碱", 1669), ("1310-73-2", 1669), ("氢氧化钠", 1669),
                                       ("7705-08-0", 1850), ("氯化铁", 1850)])
def test_search_by_name_alias_or_cas(api_as, wenling_officer, q, serial):
    r = api_as(wenling_officer).get("/api/hazchem/chemicals", {"q": q})
    assert r.status_code == 200
    items = r.json()["items"]
    assert serial in [i["serial_no"] for i in items]
    item = next(i for i in items if i["serial_no"] == serial)
    assert set(item) >= {"id", "name", "aliases", "cas", "highly_toxic"}


def test_caustic_soda_answer(api_as, enterprise_user):
    item = api_as(enterprise_user).get("/api/hazchem/chemicals", {"q": "1310-73-2"}).json()["items"][0]
    assert item["name"] == "氢氧化钠" and item["aliases"] == ["苛性钠", "烧碱"] and item["cas"] == ["1310-73-2"]
    assert item["highly_toxic"] is False


def test_the_list_is_paged_and_filters_highly_toxic(api_as, wenling_officer):
    body = api_as(wenling_officer).get("/api/hazchem/chemicals", {"highly_toxic": "true", "page_size": 10}).json()
    assert body["count"] == 148 and len(body["items"]) == 10


def test_anonymous_callers_are_refused(api_as, regions):
    assert api_as(None).get("/api/hazchem/chemicals").status_code == 401
