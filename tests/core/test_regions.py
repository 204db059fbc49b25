import pytest

from yingji.core.choices import RegionLevel
from yingji.core.models import AuditRecord, Region
from yingji.core.services import import_official_regions


@pytest.mark.django_db
def test_official_tree_has_the_2022_counts(regions):
    counts = {lvl: Region.objects.filter(level=lvl).count() for lvl in RegionLevel.values}
    assert counts[RegionLevel.PROVINCE] == 1
    assert counts[RegionLevel.CITY] == 11
    assert counts[RegionLevel.COUNTY] == 90
    assert counts[RegionLevel.TOWNSHIP] == 1387


@pytest.mark.django_db
def test_full_name_joins_the_chain_of_parents(regions):
    assert Region.objects.get(code="331081001").full_name == "浙江省台州市温岭市太平街道"


@pytest.mark.django_db
def test_every_child_code_starts_with_its_parent_code(regions):
    for code, parent in Region.objects.exclude(parent=None).values_list("code", "parent_id"):
        assert code.startswith(parent)


@pytest.mark.django_db
def test_reimport_changes_nothing_and_audits_nothing(regions):
    before = AuditRecord.objects.count()
    counts = import_official_regions()
    assert counts["created"] == counts["updated"] == 0
    assert AuditRecord.objects.count() == before


@pytest.mark.django_db
def test_reimport_repairs_a_renamed_region(regions):
    Region.objects.filter(code="331081").update(name="错误名")
    counts = import_official_regions()
    assert counts["updated"] == 1
    assert Region.objects.get(code="331081").name == "温岭市"


@pytest.mark.django_db
def test_officer_adds_a_village_and_a_grid_under_it(api_as, wenling_officer):
    client = api_as(wenling_officer)
    r = client.post("/api/regions", {"code": "331081001001", "name": "东门村", "parent": "331081001"})
    assert r.status_code == 201, r.content
    assert r.json()["level"] == RegionLevel.VILLAGE
    assert r.json()["full_name"] == "浙江省台州市温岭市太平街道东门村"
    r = client.post("/api/regions", {"code": "331081001001001", "name": "一网格", "parent": "331081001001"})
    assert r.status_code == 201, r.content
    assert r.json()["level"] == RegionLevel.GRID


@pytest.mark.django_db
def test_village_code_must_extend_its_parent_code(api_as, wenling_officer):
    r = api_as(wenling_officer).post("/api/regions", {"code": "331081002001", "name": "村", "parent": "331081001"})
    assert r.status_code == 400
    assert "code" in r.json()["error"]["fields"]


@pytest.mark.django_db
def test_regions_children_by_parent(api_as, taizhou_officer):
    r = api_as(taizhou_officer).get("/api/regions", {"parent": "3310", "page_size": 100})
    names = {x["name"] for x in r.json()["items"]}
    assert {"温岭市", "临海市", "椒江区"} <= names and len(names) == 9


@pytest.mark.django_db
def test_village_import_keeps_good_rows_and_reports_bad_ones(regions, tmp_path, capsys):
    from django.core.management import call_command

    path = tmp_path / "villages.csv"
    path.write_text("code,name\n"
                    "331081001001,东门村\n"
                    "331081001001001,东门村一网格\n"
                    "331081999001,无此乡镇村\n"
                    "3310810010,位数不对\n"
                    "331081001002,\n", encoding="utf-8")
    call_command("import_regions", "--quiet-progress", "--villages", str(path))
    out = capsys.readouterr().out
    assert "2 created, 0 unchanged, 3 rejected" in out
    assert "第 4 行" in out and "第 5 行" in out and "第 6 行" in out
    assert Region.objects.get(code="331081001001001").full_name.endswith("东门村东门村一网格")
    call_command("import_regions", "--quiet-progress", "--villages", str(path))
    assert "0 created, 2 unchanged, 3 rejected" in capsys.readouterr().out
