"""The CMA best-track parser on the real 1949-2024 files and on crafted bad input."""


import numpy as np
import pytest

from yingji.kernels.besttrack import parse_file, parse_lines, parse_paths

from ..conftest import needs, shared_path

DATA = shared_path("data", "typhoon", "cma-besttrack")
needs_data = needs(DATA)


@pytest.fixture(scope="module")
def all_storms():
    return parse_paths([DATA])


@needs_data
def test_every_file_parses_without_issues(all_storms):
    assert len(list(DATA.glob("CH*BST.txt"))) == 76
    assert all_storms.issues == []


@needs_data
def test_counts_match_the_data_readme(all_storms):
    # figures given with the data (shared/data/README.md): 2,517 storms, 73,371 records
    assert len(all_storms.storms) == 2517
    assert all_storms.record_count == 73371


@needs_data
def test_lekima_2019_as_written_in_its_file(all_storms):
    # CH2019BST.txt line 274: "66666 1909   62 0012 1909 0 3 LEKIMA ..."; its strongest
    # record is "2019080812 6 244 1250  915      62"
    lekima = next(s for s in all_storms.storms if s.cn_id == "1909")
    assert (lekima.name, lekima.intl_id, lekima.year, lekima.line) == ("LEKIMA", "1909", 2019, 274)
    assert len(lekima) == 62 and lekima.interval_h == 3
    strongest = int(np.argmax(lekima.wind))
    assert lekima.wind[strongest] == 62.0
    assert lekima.time[strongest] == np.datetime64("2019-08-08T12:00")
    assert (lekima.lat[strongest], lekima.lon[strongest], lekima.pressure[strongest]) == (24.4, 125.0, 915.0)
    assert lekima.grade[strongest] == 6


@needs_data
def test_rananim_2004_as_written_in_its_file(all_storms):
    # CH2004BST.txt line 503: "66666 0000   36 0017 0414 0 6 Rananim ..."; max wind 45 m/s
    rananim = next(s for s in all_storms.storms if s.cn_id == "0414")
    assert rananim.name == "Rananim" and len(rananim) == 36
    assert np.nanmax(rananim.wind) == 45.0


@needs_data
def test_tabs_in_names_and_a_missing_name_are_tolerated(all_storms):
    # CH2015BST.txt pads names with tabs ("Mekkhala\t\t"); one 1997 header has no name
    names = {s.cn_id: s.name for s in all_storms.storms if s.year == 2015}
    assert names["1501"] == "Mekkhala" and names["1502"] == "Higos"
    assert any(s.name == "" and s.year == 1997 for s in all_storms.storms)


@needs_data
def test_a_storm_starting_in_december_belongs_to_the_next_season(all_storms):
    alice = next(s for s in all_storms.storms if s.cn_id == "7901")
    assert alice.year == 1979 and alice.time[0] == np.datetime64("1978-12-31T06:00")


GOOD = [
    "66666 0000   3 0001 0101 0 6 Test                      20110729\r\n",
    "2001010100 1 100 1300 1000 15\r\n",
    "2001010106 2 110 1290  995 20\r\n",
    "2001010112 9 120 1280    0  0 12\r\n",
]


def test_record_fields_are_converted_with_units_and_missing_values():
    result = parse_lines(GOOD, source="CH2001BST.txt")
    (storm,) = result.storms
    assert result.issues == []
    np.testing.assert_array_equal(storm.lat, [10.0, 11.0, 12.0])
    np.testing.assert_array_equal(storm.lon, [130.0, 129.0, 128.0])
    np.testing.assert_array_equal(storm.grade, [1, 2, 9])
    assert storm.time.dtype == np.dtype("datetime64[m]")
    assert storm.time[1] == np.datetime64("2001-01-01T06:00")
    assert np.isnan(storm.pressure[2]) and np.isnan(storm.wind[2])  # 0 = missing


def test_messy_header_with_tabs_and_extra_spaces():
    lines = ["66666\t0000  \t 1   0002 \t0102 0 6\tBig  Name\t\t   20110729\r\n", "2001020300 1 100 1300 1000 9\r\n"]
    result = parse_lines(lines)
    (storm,) = result.storms
    assert result.issues == []
    assert (storm.cn_id, storm.seq, storm.name, storm.wind[0]) == ("0102", 2, "Big Name", 9.0)


def test_malformed_line_is_reported_with_file_and_line_and_the_rest_is_parsed(tmp_path):
    bad = GOOD[:2] + ["2001010106 2 11O 1290  995 20\r\n"] + GOOD[3:] + GOOD
    path = tmp_path / "CH2001BST.txt"
    path.write_bytes("".join(bad).encode())
    result = parse_file(path)
    assert len(result.storms) == 2
    assert [len(s) for s in result.storms] == [2, 3]
    located = [(i.file, i.line) for i in result.issues]
    assert ("CH2001BST.txt", 3) in located  # the bad record
    assert ("CH2001BST.txt", 1) in located  # its header now disagrees with the row count
    assert "CH2001BST.txt:3:" in str(next(i for i in result.issues if i.line == 3))


@pytest.mark.parametrize(
    "record",
    [
        "2001023000 1 100 1300 1000 15",  # 30 February
        "2001010124 1 100 1300 1000 15",  # hour 24
        "2001010100 7 100 1300 1000 15",  # no grade 7
        "2001010100 1 100 1300 1000",  # too few fields
        "2001010100 1 100 1300 1000 15 1 2",  # too many
        "200101010 1 100 1300 1000 15",  # short time
    ],
)
def test_each_kind_of_bad_record_is_an_issue_not_a_crash(record):
    result = parse_lines([GOOD[0], record, GOOD[2]])
    # line 2 is rejected; the header (line 1) then announces 3 records for 1 read
    assert sorted(i.line for i in result.issues) == [1, 2]
    assert len(result.storms[0]) == 1


def test_bad_header_skips_its_records_and_the_next_storm_still_parses():
    lines = ["66666 0000 x 0001 0101 0 6 Bad 20110729", GOOD[1]] + GOOD
    result = parse_lines(lines)
    assert [i.line for i in result.issues] == [1]
    assert len(result.storms) == 1 and len(result.storms[0]) == 3


def test_record_before_any_header_is_reported():
    result = parse_lines([GOOD[1]] + GOOD)
    assert [i.line for i in result.issues] == [1]
    assert len(result.storms) == 1
