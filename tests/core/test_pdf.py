"""core.pdf: a document's text is laid out as text, in Chinese, and the file is a PDF."""

from yingji.core import pdf

from ..pdftext import drawn_text


def test_document_draws_its_title_and_blocks_in_chinese():
    blocks = [pdf.Heading("一、总体情况"), pdf.Text("全市发生事故 3 起。"),
              pdf.Fields([("当事人", "某纸业有限公司")]), pdf.Grid(["地区", "死亡"], [["温岭市", 2]])]
    data = pdf.render("事故通报", blocks)
    assert data.startswith(b"%PDF-")
    text = drawn_text(data)
    for expected in ("事故通报", "一、总体情况", "全市发生事故 3 起。", "当事人", "某纸业有限公司", "温岭市", "2"):
        assert expected in text


def test_markup_in_data_is_drawn_as_text_not_parsed():
    # ReportLab's Paragraph reads <b> or <font> as markup; a name holding them is text.
    hostile = '<font color="red">x</font> & <b>y'
    text = drawn_text(pdf.render("t", [pdf.Text(hostile), pdf.Grid(["名称"], [[hostile]])]))
    assert text.count('<font color="red">x</font> & <b>y') == 2
