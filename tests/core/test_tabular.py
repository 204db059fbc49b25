"""The shared reader and writer of spreadsheets and CSV (core.tabular) against
hostile files: each is crafted here, small on disk (compressed), and must end in one
clear FileRejected (a 400 through the API) or a bounded read — never in reading
what the file claims. Bounds are shown by what was read (rows_read) and by
tracemalloc's peak, not by time."""

import csv
import io
import tracemalloc
import zipfile

import openpyxl
import pytest

from yingji.core import tabular
from yingji.core.tabular import FileRejected, Limits

from ..hostile_files import MB, cell, workbook


def limits(**overrides) -> Limits:
    base = {"max_bytes": 10 * MB, "max_unzipped_bytes": 50 * MB, "max_ratio": 100, "max_cell_chars": 32_767,
            "max_line_chars": 100_000, "max_rows": 20_000, "max_columns": 100, "max_blank_run": 1_000}
    return Limits(**{**base, **overrides})


def test_a_plain_workbook_reads_row_by_row():
    content = workbook(f'<row r="1">{cell("A1", "name")}{cell("C1", "code")}</row>',
                       f'<row r="3">{cell("B3", "x")}</row>')
    table = tabular.read_table(content, "a.xlsx", limits=limits())
    assert table.rows == [(1, ("name", None, "code")), (3, (None, "x"))]
    assert table.warnings == []


def test_a_huge_cell_in_a_zip_bomb_is_refused_before_anything_unpacks():
    """200 MB of one cell, about 200 KB compressed."""
    content = workbook('<row r="1"><c r="A1" t="inlineStr"><is><t>', ("A" * MB, 200), "</t></is></c></row>")
    assert len(content) < MB
    tracemalloc.start()
    try:
        with pytest.raises(FileRejected) as caught:
            tabular.read_table(content, "bomb.xlsx", limits=limits())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "50 MB" in caught.value.zh and "unpacks to more than 50 MB" in caught.value.en
    assert peak < 5 * MB


def test_a_high_compression_ratio_is_refused_even_under_the_size_limit():
    content = workbook('<row r="1"><c r="A1" t="inlineStr"><is><t>', ("A" * MB, 20), "</t></is></c></row>")
    with pytest.raises(FileRejected, match="100:1"):
        tabular.read_table(content, "bomb.xlsx", limits=limits())


def test_a_cell_longer_than_the_limit_is_refused_naming_its_row():
    content = workbook(f'<row r="1">{cell("A1", "name")}</row>', f'<row r="2">{cell("A2", "x" * 40_000)}</row>')
    with pytest.raises(FileRejected, match="第 2 行有单元格超过 32767 个字符"):
        tabular.read_table(content, "a.xlsx", limits=limits())


def test_200_mb_of_blank_rows_stop_after_the_blank_run():
    """The size and ratio checks alone would refuse this file; with them opened
    wide, the reader still stops at the first long run of blank rows."""
    blank_rows = ("<row/>" * 100_000, 350)  # 600 bytes * 350 = 210 MB of XML
    content = workbook(f'<row r="1">{cell("A1", "name")}</row>', f'<row r="2">{cell("A2", "data")}</row>',
                       blank_rows, f'<row>{cell("A1", "after")}</row>')
    with pytest.raises(FileRejected):
        tabular.read_table(content, "blank.xlsx", limits=limits())
    table = tabular.read_table(content, "blank.xlsx",
                               limits=limits(max_unzipped_bytes=10**12, max_ratio=10**9))
    assert [cells for _, cells in table.rows] == [("name",), ("data",)]
    assert table.rows_read == 2 + 1_000
    assert "第 3 行起连续 1000 行以上为空" in table.warnings[0]


def test_a_lone_last_row_costs_one_row_not_a_million():
    """4.8 KB that openpyxl's own iteration turns into 1,048,576 padded rows."""
    content = workbook(f'<row r="1">{cell("A1", "name")}</row>', f'<row r="1048576">{cell("A1048576", "x")}</row>')
    table = tabular.read_table(content, "far.xlsx", limits=limits())
    assert table.rows == [(1, ("name",))] and table.rows_read == 1
    assert "第 2 行起" in table.warnings[0]
    only_far = tabular.read_table(workbook(f'<row r="1048576">{cell("A1048576", "x")}</row>'), "far.xlsx",
                                  limits=limits())
    assert only_far.rows == [] and only_far.rows_read == 0


def test_a_cell_past_the_last_column_is_refused():
    content = workbook(f'<row r="1">{cell("A1", "name")}{cell("XFD1", "far")}</row>')
    with pytest.raises(FileRejected, match="第 1 行超过 100 列"):
        tabular.read_table(content, "wide.xlsx", limits=limits())


def test_too_many_rows_are_refused_naming_the_limit():
    content = workbook(*(f'<row r="{i}">{cell(f"A{i}", "v")}</row>' for i in range(1, 12)))
    with pytest.raises(FileRejected, match="超过 10 行"):
        tabular.read_table(content, "long.xlsx", limits=limits(max_rows=10))
    assert len(tabular.read_table(content, "long.xlsx", limits=limits(max_rows=11)).rows) == 11


# CSV ---------------------------------------------------------------------------

def test_csv_records_are_numbered_by_the_line_they_start_on():
    content = b'a,b\n1,"two\nlines"\n\n3,x\n'
    table = tabular.read_csv(content, limits=limits())
    assert table.rows == [(1, ("a", "b")), (2, ("1", "two\nlines")), (5, ("3", "x"))]
    assert list(table.records()) == [(2, {"a": "1", "b": "two\nlines"}), (5, {"a": "3", "b": "x"})]


@pytest.mark.parametrize("content, says", [
    (b"a,b\n" + b"x" * 200_001 + b"\n", "第 2 行超过 100000 个字符"),
    (b"a,b\n" + b"," * 150 + b"x\n", "第 2 行超过 100 列"),
    (b"a,b\n" + b"x" * 40_000 + b"\n", "单元格超过 32767"),
    (b"a,b\n" + b"\n" * 5_000 + b"1,2\n", None),  # a blank run ends the table, with a warning
    (b"a,b\n\x80\x80\n", "无法识别文件编码"),
])
def test_hostile_csv_is_bounded(content, says):
    if says is None:
        table = tabular.read_csv(content, limits=limits())
        assert table.rows == [(1, ("a", "b"))] and "连续 1000 行以上为空" in table.warnings[0]
        return
    with pytest.raises(FileRejected, match=says):
        tabular.read_csv(content, limits=limits())


def test_csv_encodings_gbk_is_read_and_utf8_only_says_so():
    content = "名称,代码\n温岭,1\n".encode("gbk")
    assert tabular.read_csv(content, limits=limits()).rows[1] == (2, ("温岭", "1"))
    with pytest.raises(FileRejected, match="not UTF-8 encoded"):
        tabular.read_csv(content, limits=limits(), encodings=tabular.UTF8_ONLY)


# Writing -----------------------------------------------------------------------

HOSTILE = ['=HYPERLINK("http://evil.example/","点此")', "+1+2", "-3+4", "@SUM(A1)", "\t=1", "\r=1",
           "0576-86000000\uffff", "\ufffe开头", "控制\x07字符"]


def test_xlsx_writes_every_string_as_text_without_illegal_characters():
    content = tabular.xlsx([tabular.Sheet("表", [HOSTILE, [-3, 1.5, None]])])
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    texts = [sheet.cell(1, i + 1) for i in range(len(HOSTILE))]
    assert [c.data_type for c in texts] == ["s"] * len(HOSTILE)
    assert [c.value for c in texts] == ['=HYPERLINK("http://evil.example/","点此")', "+1+2", "-3+4", "@SUM(A1)",
                                        "\t=1", "\r=1", "0576-86000000", "开头", "控制字符"]
    assert [sheet.cell(2, i).value for i in (1, 2, 3)] == [-3, 1.5, None]
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        assert "<f>" not in z.read("xl/worksheets/sheet1.xml").decode()


def test_csv_quotes_formula_starts_and_unquote_undoes_it():
    rows = list(csv.reader(io.StringIO(tabular.csv_bytes([HOSTILE, [-3, 1.5]]).decode("utf-8-sig"))))
    assert rows[0][:6] == ["'" + t for t in HOSTILE[:6]]
    assert rows[0][6:] == ["0576-86000000", "开头", "控制字符"]
    assert rows[1] == ["-3", "1.5"]  # numbers stay numbers
    assert [tabular.unquote(t) for t in rows[0][:6]] == HOSTILE[:6]


def test_a_row_of_millions_of_empty_cells_is_refused_before_the_parser_builds_it():
    """openpyxl turns a row into a list of cells before anyone sees it: 3 million
    `<c/>` (12 MB of XML, kilobytes zipped) would cost gigabytes there."""
    content = workbook('<row r="1">', ("<c/>" * 100_000, 30), "</row>")
    tracemalloc.start()
    try:
        with pytest.raises(FileRejected, match="超过 1000 个单元格"):
            tabular.read_table(content, "wide.xlsx", limits=limits(max_ratio=10**9))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 20 * MB


def test_formatted_cells_across_many_rows_are_not_a_wide_row():
    """20,000 styled empty cells, 50 a row: many cells, but no wide row."""
    styled = "".join(f'<row r="{i}">' + f'<c r="A{i}" s="1"/>' * 50 + "</row>" for i in range(1, 400))
    table = tabular.read_table(workbook(styled, f'<row r="400">{cell("A400", "x")}</row>'), "styled.xlsx",
                               limits=limits())
    assert table.rows == [(400, ("x",))] and table.rows_read == 400
