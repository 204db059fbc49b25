"""The fixed wording of the formal documents (title, legal boilerplate, issuing
authority, footer) and its placeholders: `{party}`, `{case_number}`, `{deadline}` ...

The wording is data (models.DocumentTemplate, edited in the admin); the defaults below
are what migration 0005 writes and what a document uses if its row is missing.
Placeholders are filled by name only: no attribute or index lookups and no format
specs (`{party.__class__}` stays as typed), and a text that cannot be parsed is used
as it is, so no wording an administrator saves can make a document fail.
"""

from __future__ import annotations

import string

# name -> what it stands for (shown in the admin's help text)
PLACEHOLDERS = {
    "party": "当事人名称",
    "uscc": "统一社会信用代码",
    "case_number": "案号",
    "region": "区划名称",
    "authority": "作出机关（本模板“作出机关”一栏）",
    "date": "文书日期",
    "deadline": "整改期限",
    "hazard_number": "隐患编号",
}

# kind -> (title, body paragraphs separated by blank lines, authority, footer)
DEFAULTS = {
    "filing": ("立案审批表", "", "{region}应急管理局", "{authority}\n{date}"),
    "notice": (
        "行政处罚告知书",
        "当事人有权进行陈述和申辩。对较大数额罚款、没收较大数额违法所得、责令停产停业等处罚，"
        "当事人有权要求听证；要求听证的，应当在收到本告知书之日起五日内提出。",
        "{region}应急管理局", "{authority}\n{date}"),
    "decision": (
        "行政处罚决定书",
        "当事人如不服本决定，可以依法申请行政复议或者提起行政诉讼。罚款应当自收到本决定书之日起十五日内缴纳。",
        "{region}应急管理局", "{authority}\n{date}"),
    "transfer": ("涉嫌犯罪案件移送书", "", "{region}应急管理局", "{authority}\n{date}"),
    "rectification": (
        "责令限期整改指令书",
        "{party}：经查，你单位存在下列事故隐患（见“违法事实”）。\n\n"
        "依据《中华人民共和国安全生产法》第六十五条、第一百零二条的规定，现责令你单位于{deadline}前整改完毕，"
        "并将整改情况书面报告本机关。整改期间应当采取相应的安全防范措施，防止事故发生。\n\n"
        "逾期未整改或者拒不整改的，本机关将依法予以处罚；重大事故隐患排除前或者排除过程中无法保证安全的，"
        "将依法责令暂时停产停业或者停止使用相关设施、设备。",
        "{region}应急管理局", "{authority}\n{date}"),
}

TEXT_FIELDS = ("title", "body", "authority", "footer")


def problems(text: str) -> list[str]:
    """What is wrong with the placeholders of `text` (empty when it is fine): unknown
    names, lookups or format specs, and braces that do not pair."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return ["大括号不配对；要写大括号本身，请写成 {{ 或 }}"]
    found = []
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in PLACEHOLDERS or spec or conversion:
            found.append(f"未知的占位符 {{{name}{'!' + conversion if conversion else ''}{':' + spec if spec else ''}}}")
    return found


def fill(text: str, values: dict[str, str]) -> str:
    """`text` with its known placeholders replaced by `values`; anything else kept as typed."""
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError:
        return text
    out = []
    for literal, name, spec, conversion in parsed:
        out.append(literal)
        if name is None:
            continue
        if name in values and not spec and not conversion:
            out.append(str(values[name]))
        else:
            out.append("{" + name + ("!" + conversion if conversion else "") + (":" + spec if spec else "") + "}")
    return "".join(out)
