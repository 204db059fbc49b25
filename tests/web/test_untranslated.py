"""The rule the crawls apply to zh-hans pages (tests/web/crawl.py): which words are
English a Chinese reader should not meet, and which text a page marks as not for
translation. Cases written by hand from the issue's findings."""

from .crawl import form_target, parse, untranslated


def test_english_words_inside_chinese_text_are_found():
    assert untranslated(["理赔 3：已通知 notified，100 元"]) == ["notified"]
    assert untranslated(["2026-05-01 10:00 demo-wenling：register（registered → rectifying）"]) == [
        "demo-wenling", "register", "registered", "rectifying"]
    assert untranslated(["职责：township_flood_chief"]) == ["township_flood_chief"]
    assert untranslated(["计算风力：圈内最高风力 highest force inside"]) == ["highest", "force", "inside"]
    assert untranslated(["权重：gdp 0.3，typhoon_history 0.3"]) == ["gdp", "typhoon_history"]
    assert untranslated(["台风 LEKIMA"]) == ["LEKIMA"]


def test_acronyms_units_numbers_codes_and_date_notation_are_chinese_enough():
    texts = ["统一社会信用代码（USCC）", "导出 Excel", "CSV 文件", "半径 85 km", "阈值 140 mm", "中心气压 hPa",
             "站点 W1、58665", "GDP 0.3", "编号 YH-331081-2026-000001", "CAP 1.2", "日期格式：YYYY-MM-DD",
             "电话 0576-88685000", "yingji@bureau.example", "/api/docs", "· — …"]
    assert untranslated(texts) == []


def test_the_english_half_of_a_bilingual_message_is_its_translation():
    assert untranslated(["请选择或输入区划 / Choose or type a region"]) == []
    assert untranslated(["请填写隐患所在地 / Say where the hazard is。"]) == []
    assert untranslated(["Choose or type a region"]) == ["Choose", "or", "type", "region"]
    assert untranslated(["a/b Choose"]) == ["Choose"]  # no Chinese half before it


def test_text_marked_as_not_for_translation_is_left_alone():
    html = """<html lang="zh-hans"><head><title>隐患 · 应急</title></head><body>
      <p>许可证 <span translate="no">(浙)WH安许证字</span></p>
      <button lang="en">English</button>
      <p>命令 <code>yingji insurance import-tracks</code></p>
      <script>var shown = "never";</script>
      <p>利奇马 <span lang="en">LEKIMA</span></p></body></html>"""
    assert untranslated(parse(html).texts) == []


def test_labels_of_elements_count_as_text():
    html = """<body><input placeholder="Search"><span title="green"></span><img alt="map">
      <input type="submit" value="Send"><svg aria-label="Risk"></svg><input type="hidden" value="secret"></body>"""
    assert untranslated(parse(html).texts) == ["Search", "green", "map", "Send", "Risk"]


def test_navigation_links_and_forms_are_told_apart():
    page = parse("""<body><nav class="mainnav"><a href="/">首页</a><a href="/hazards/">隐患</a></nav>
      <div class="session"><a href="/account/tokens/">API 令牌</a></div>
      <a href="/hazards/7/">YH-1</a>
      <form method="get" action="/hazards/"><input name="q" value="泵"><select name="state">
        <option value="">全部</option><option value="closed" selected>已销号</option></select></form>
      <form method="post"><input type="hidden" name="csrfmiddlewaretoken" value="t"><textarea name="reason"></textarea>
        <button name="action" value="start">开始整改</button></form>
      <form method="post" action="/warnings/3/cancel/"><button>解除</button></form></body>""")
    assert page.nav_links == ["/", "/hazards/", "/account/tokens/"] and page.links == ["/hazards/7/"]
    filters, own, elsewhere = page.forms
    assert form_target(filters, "/hazards/") == ("get", "/hazards/?q=%E6%B3%B5&state=closed", [])
    assert form_target(own, "/hazards/7/") == ("post", "/hazards/7/", [
        ("csrfmiddlewaretoken", "t"), ("reason", "")])  # no button pressed
    assert form_target(elsewhere, "/warnings/3/") is None  # a button that acts is not pressed
