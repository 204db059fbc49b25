"""The audit log reads in Chinese: record types by their names, actions in words, fields
by their names; what stays a code (a batch record's payload keys, a login name, an
action nobody named) is marked as code, which the crawl's rule leaves alone."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client
from django.utils import translation

import yingji
from yingji.core import audit
from yingji.hazards.choices import HazardAction
from yingji.web import audit_labels

from ..factories import UserFactory
from .crawl import parse, untranslated

pytestmark = pytest.mark.django_db

_CJK = re.compile(r"[\u4e00-\u9fff]")
_ACTION_ARGUMENT = re.compile(r'action=((?:"[^"]*"|[^,()\n])+)')
_ARGPARSE = {"store_true", "store_false", "append", "count", "version"}


def _chinese(label) -> bool:
    """Chinese, with no English word but those the crawl allows (API, SMS…)."""
    return label is not None and bool(_CJK.search(label)) and untranslated([label]) == []


def test_every_model_of_the_project_has_a_chinese_record_type_name():
    with translation.override("zh-hans"):
        names = {m._meta.label_lower: audit_labels.record_type_label(m._meta.label_lower)
                 for m in apps.get_models() if m.__module__.startswith("yingji.")}
        assert len(names) > 50
        assert [t for t, name in names.items() if not _chinese(name)] == []
        assert names["alerts.callup"] == "叫应" and names["hazards.hazard"] == "隐患"
        assert audit_labels.record_type_label("auth.user") == "用户"  # login lockouts; Django's own name
    with translation.override("en"):
        assert audit_labels.record_type_label("alerts.callup") == "Call-up"


def _written_actions() -> set[str]:
    """Every action the code writes as a literal (`action="x"`, `"a" if … else "b"`)."""
    found = set()
    for path in Path(yingji.__file__).parent.rglob("*.py"):
        for argument in _ACTION_ARGUMENT.findall(path.read_text(encoding="utf-8")):
            found |= set(re.findall(r'"([^"{}]+)"', argument))
    return found - _ARGPARSE


def test_every_action_the_services_write_has_a_name():
    actions = _written_actions()
    assert {"create", "hazard.register", "callup_start", "ingest", "trigger", "reevaluate"} <= actions
    # Written through a variable: the hazard loop's steps, the claim steps, the
    # messaging transitions (messaging/services/claims.py).
    actions |= {f"hazard.{a}" for a in HazardAction.values}
    actions |= {"verify", "pay", "send", "retry", "fail", "give_up", "deliver"}
    with translation.override("zh-hans"):
        assert [a for a in sorted(actions) if not _chinese(audit_labels.action_label(a))] == []
        assert audit_labels.action_label("hazard.accept") == "验收销号"  # the hazard timeline's words
        assert audit_labels.action_label("admin-delete") == "删除（管理后台）"
        assert audit_labels.action_label("somebody.new") is None


def test_an_export_is_named_by_the_list_exported():
    import yingji.hazards.exports  # noqa: F401  (declares the export; the URLconf does in a server)

    with translation.override("zh-hans"):
        assert audit_labels.record_type_label("export.hazards") == "导出：隐患台账"
        assert audit_labels.record_type_label("export.enterprises") == "导出：企业台账"
        assert audit_labels.record_type_label("export.nothing") is None


@pytest.fixture
def records(province_admin):
    officer = province_admin.user
    audit.record(actor=None, action="callup_start", object_type="alerts.callup", object_id="1", region_code="33",
                 after={"plan": "p", "targets": 3, "warning": 1})
    audit.record(actor=None, action="ingest", object_type="hydromet.observation", object_id="insurance demo (rain)",
                 region_code="33", after={"accepted": 3, "first_time": "2026-08-09", "source": "demo"})
    audit.record(actor=officer, action="export", object_type="export.enterprises", region_code="33",
                 after={"path": "/enterprises/", "format": "csv", "rows": 2, "filters": {}})
    audit.record(actor=UserFactory(username="robot-7"), action="hazard.accept", object_type="hazards.hazard",
                 object_id="7", region_code="33", before={"state": "submitted"}, after={"state": "closed"})
    audit.record(actor=None, action="some_new_step", object_type="floods.section", object_id="2", region_code="33",
                 before={"curve_number": 70, "polygon": ""}, after={"curve_number": 75, "polygon": "x"})
    return officer


def test_the_audit_page_shows_no_english_outside_what_is_marked_as_code(province_admin, records):
    client = Client()
    client.force_login(province_admin.user)
    html = client.get("/audit/").content.decode()
    assert untranslated(parse(html).texts) == []
    # Types, actions and fields by name; the province's own name for its act.
    for words in ("叫应", "启动叫应", "接收观测数据", "导出：企业台账", "验收销号", "隐患", "状态", "断面",
                  "径流曲线数", "系统", province_admin.name):
        assert words in html, words
    # The codes that stay codes, marked as such.
    for code in ("<code>accepted</code>", "<code>first_time</code>", "<code>targets</code>",
                 "<code>some_new_step</code>", 'translate="no">robot-7<', 'translate="no">insurance demo (rain)<'):
        assert code in html, code
    assert "alerts.callup" not in html.replace('value="alerts.callup"', "")  # the filter's value only
