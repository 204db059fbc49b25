"""End to end: a roster imported from Excel decides who, as duty officer, hears of the
people a call-up could not reach (alerts' escalation notice)."""

import datetime as dt

from django.utils import timezone

from yingji.core import tabular
from yingji.duty.services.roster_import import import_roster

from ..alerts.conftest import minutes
from ..alerts.test_callup_messages import call_up_until_escalation, tick, ward  # noqa: F401 (fixture)
from ..conftest import WENLING
from ..factories import PersonFactory
from ..messaging.conftest import gateway, listeners  # noqa: F401 (fixtures)


def test_the_escalation_notice_goes_to_the_officer_on_the_imported_roster(ward, gateway, wenling_officer):  # noqa: F811
    on_roster = PersonFactory(name="导入值班员", mobile="13911112222", region_id=WENLING, user=None, role="viewer")
    day = timezone.localtime(minutes(0)).date()
    rows = [["日期", "开始", "结束", "岗位", "姓名", "手机", "区划"],
            [(day - dt.timedelta(days=1)).isoformat(), "08:30", "08:30", "值班员", "导入值班员", "13911112222",
             WENLING],
            [day.isoformat(), "08:30", "08:30", "值班员", "导入值班员", "13911112222", WENLING]]
    report = import_roster(by=wenling_officer.user, content=tabular.xlsx([tabular.Sheet("值班表", rows)]),
                           filename="roster.xlsx")
    assert report.rejected == 0 and report.created == 2
    call_up_until_escalation(ward)
    before = len(gateway.received)
    tick(minutes(15))
    texts = {(r.body["to"], r.path): r.body["text"] for r in gateway.received[before:] if r.body}
    assert "未叫应 6 人" in texts[(on_roster.mobile, "/sms")]
    assert not any(to == ward.officer.mobile for to, _ in texts)  # the standing duty officer is not told
