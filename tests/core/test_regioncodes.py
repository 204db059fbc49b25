"""Region-code arithmetic, against codes worked out by hand from GB/T 2260 nesting."""

from yingji.core import regioncodes
from yingji.core.choices import RegionLevel

WENLING = "331081"            # county-level city under Taizhou (3310), Zhejiang (33)
TOWNSHIP = "331081001"
VILLAGE = "331081001001"
GRID = "331081001001002"


def test_level_of_each_length():
    assert regioncodes.level_of("33") == RegionLevel.PROVINCE
    assert regioncodes.level_of("3310") == RegionLevel.CITY
    assert regioncodes.level_of(WENLING) == RegionLevel.COUNTY
    assert regioncodes.level_of(TOWNSHIP) == RegionLevel.TOWNSHIP
    assert regioncodes.level_of(VILLAGE) == RegionLevel.VILLAGE
    assert regioncodes.level_of(GRID) == RegionLevel.GRID
    assert regioncodes.level_of("33108") is None
    assert regioncodes.level_of("") is None


def test_prefixes_are_the_region_and_its_ancestors_widest_first():
    assert regioncodes.prefixes(VILLAGE) == ["33", "3310", WENLING, TOWNSHIP, VILLAGE]
    assert regioncodes.prefixes(GRID)[-2:] == [VILLAGE, GRID]
    assert regioncodes.prefixes("33") == ["33"]
    # a length that is no level is not a region of its own
    assert regioncodes.prefixes("33108") == ["33", "3310"]
    assert regioncodes.prefixes("") == []


def test_ancestors_and_parent_leave_the_region_out():
    assert regioncodes.ancestors(TOWNSHIP) == ["33", "3310", WENLING]
    assert regioncodes.parent(TOWNSHIP) == WENLING
    assert regioncodes.parent(GRID) == VILLAGE
    assert regioncodes.parent(VILLAGE) == TOWNSHIP
    assert regioncodes.parent("3310") == "33"
    assert regioncodes.parent("33") == ""


def test_common_region_snaps_to_a_real_level():
    # 331081 and 331082 share "33108", which is no region: their region is the city
    assert regioncodes.common_region(["331081", "331082"]) == "3310"
    assert regioncodes.common_region(["331081001001", "331081001002"]) == TOWNSHIP
    assert regioncodes.common_region([VILLAGE, TOWNSHIP]) == TOWNSHIP
    assert regioncodes.common_region([VILLAGE]) == VILLAGE
    assert regioncodes.common_region([GRID, GRID]) == GRID
    assert regioncodes.common_region(iter([WENLING, "330100"])) == "33"
    assert regioncodes.common_region(["331081", "320100"]) == ""
    assert regioncodes.common_region([]) == ""


def test_in_subtree():
    assert regioncodes.in_subtree(VILLAGE, WENLING)
    assert regioncodes.in_subtree(WENLING, WENLING)
    assert not regioncodes.in_subtree(WENLING, VILLAGE)
    assert not regioncodes.in_subtree("331082", WENLING)
