"""The Chinese names of named storms (台风中文名): CMA's names of the Typhoon Committee
list, shipped as data (data/storm_names_zh.csv; its provenance in storm_names_zh.md).
CMA's best-track files carry only the international name (LEKIMA); a Chinese reader
knows the storm as 利奇马."""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

TABLE = Path(__file__).resolve().parent / "data" / "storm_names_zh.csv"
NAMELESS = "(nameless)"  # how CMA's files write an unnamed tropical depression
# An international name as written in a name: LEKIMA, Fung-wong, WINNIE(-)1.
_NAME = re.compile(r"[A-Za-z][A-Za-z]+(?:-[A-Za-z]+)?")


@cache
def chinese_names() -> dict[str, str]:
    with open(TABLE, encoding="utf-8", newline="") as f:
        return {row["name"].upper(): row["name_zh"] for row in csv.DictReader(f)}


def chinese_name(name: str) -> str:
    """利奇马 for 'LEKIMA' (any case, 'WINNIE(-)1' as WINNIE); '' when unknown."""
    match = _NAME.match((name or "").strip())
    return chinese_names().get(match.group(0).upper(), "") if match else ""


def storm_name_text(name: str) -> str:
    """A storm's name for plain text (a page title): international names replaced by
    their Chinese names where known ('利奇马 LEKIMA（…）' → '利奇马（…）')."""
    name = name or ""
    if name.strip().startswith(NAMELESS):
        return _("未命名")

    def chinese(match: re.Match) -> str:
        zh = chinese_names().get(match.group(0).upper())
        if not zh:
            return match.group(0)
        return "" if zh in name else zh

    return re.sub(r" +（", "（", re.sub(r" {2,}", " ", _NAME.sub(chinese, name))).strip()


def storm_name_html(name: str) -> str:
    """A storm's name for a page: the Chinese name, with the international one beside
    it marked as English (`lang="en"`). A name that already has its Chinese name beside
    the international one (the demo's replayed 利奇马 LEKIMA) gets only the mark."""
    name = name or ""
    if name.strip().startswith(NAMELESS):
        return format_html("{}", _("未命名"))
    parts, last = [], 0
    for match in _NAME.finditer(name):
        zh = chinese_names().get(match.group(0).upper())
        if not zh:
            continue
        parts.append(name[last:match.start()])
        english = format_html('<span lang="en" class="muted">{}</span>', match.group(0))
        parts.append(english if zh in name else format_html("{} {}", zh, english))
        last = match.end()
    parts.append(name[last:])
    # format_html escapes the plain parts; the marked-up ones are format_html's own.
    return format_html_join("", "{}", ((part,) for part in parts))
