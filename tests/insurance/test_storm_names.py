"""Storms by their Chinese names (利奇马, not LEKIMA): the shipped table of CMA's names,
how a name is shown, and the typhoon pages without English for a Chinese reader."""

import csv
import re

import pytest
from django.test import Client

from yingji.insurance import services
from yingji.insurance.demo import LEKIMA_CMA
from yingji.insurance.models import Storm
from yingji.insurance.storm_names import TABLE, chinese_name, storm_name_html, storm_name_text
from yingji.kernels.besttrack import parse_paths

from ..conftest import needs, shared_path
from ..web.crawl import parse, untranslated

ARCHIVE = shared_path("data", "typhoon", "cma-besttrack")
CJK = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


def test_the_table_holds_one_chinese_name_per_international_name():
    with open(TABLE, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    names = [r["name"] for r in rows]
    assert len(names) == len(set(names)) and len(rows) > 100
    assert all(CJK.match(r["name_zh"]) for r in rows), [r for r in rows if not CJK.match(r["name_zh"])]


@pytest.mark.parametrize("name, zh", [("LEKIMA", "利奇马"), ("Lekima", "利奇马"), ("IN-FA", "烟花"), ("In-fa", "烟花"),
                                      ("MUIFA", "梅花"), ("Chan-hom", "灿鸿"), ("RANANIM", "云娜"), ("SAOMAI", "桑美"),
                                      ("FITOW", "菲特"), ("MERANTI", "莫兰蒂"), ("HAGUPIT", "黑格比"),
                                      ("WINNIE(-)1", "温妮"), ("NOT-A-STORM", ""), ("", "")])
def test_chinese_names_of_storms_that_struck_zhejiang(name, zh):
    assert chinese_name(name) == zh


def test_a_name_is_shown_in_chinese_with_the_international_name_marked_as_english():
    assert storm_name_html("LEKIMA") == '利奇马 <span lang="en" class="muted">LEKIMA</span>'
    # The demo's replayed storm already says 利奇马: only the mark is added.
    assert storm_name_html("利奇马 LEKIMA（2019 年路径平移至 2023 年）") == (
        '利奇马 <span lang="en" class="muted">LEKIMA</span>（2019 年路径平移至 2023 年）')
    assert storm_name_html("<b>X</b>") == "&lt;b&gt;X&lt;/b&gt;"  # a name is text, never HTML
    assert storm_name_html("(nameless)") == "未命名" and storm_name_text("(nameless)") == "未命名"
    assert storm_name_text("LEKIMA") == "利奇马"
    assert storm_name_text("利奇马 LEKIMA（2019 年路径平移至 2023 年）") == "利奇马（2019 年路径平移至 2023 年）"


@needs(ARCHIVE / "CH2019BST.txt")
def test_every_named_storm_of_the_demo_season_has_its_chinese_name():
    storms = parse_paths([ARCHIVE / "CH2019BST.txt"]).storms
    named = [s.name for s in storms if not s.name.startswith("(nameless)")]
    assert len(named) == 29  # 1901 PABUK … 1929 PHANFONE
    assert [n for n in named if not chinese_name(n)] == []


def test_the_typhoon_pages_show_lekima_as_li_qi_ma_without_english(regions, taizhou_officer, tmp_path):
    path = tmp_path / "CH2019BST.txt"
    path.write_text(LEKIMA_CMA, encoding="ascii")
    services.import_tracks(by=None, paths=[path])
    storm = Storm.objects.get(name="LEKIMA")
    client = Client()
    client.force_login(taizhou_officer.user)
    for url in ("/typhoons/", f"/typhoons/{storm.pk}/"):
        page = client.get(url).content.decode()
        assert "利奇马" in page
        assert untranslated(parse(page).texts) == [], url
    assert "超强台风" in page and "SuperTY" not in page  # 62 m/s at its strongest: ≥ 51.0 m/s (GB/T 19201)
