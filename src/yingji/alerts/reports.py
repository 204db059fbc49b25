"""The monthly call-up report (月度叫应报表) as an Excel workbook: a summary, one row
per responsible person, and the stale contact data. The page and the API share it."""

import datetime as dt

from ..core import tabular
from ..core.errors import DomainError

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def parse_month(value: str) -> dt.date:
    """"2026-07" → 2026-07-01; a bilingual error naming the field otherwise."""
    try:
        month = dt.datetime.strptime((value or "").strip(), "%Y-%m").date()
    except ValueError:
        month = None
    if month is None or not 2000 <= month.year <= 2100:
        raise DomainError("月份格式应为 YYYY-MM（2000–2100 年）", "month must be YYYY-MM (years 2000-2100)",
                          fields={"month": "格式错误 / invalid"})
    return month


def workbook(report: dict) -> bytes:
    summary = [["区划", report["region"]], ["月份", report["month"]], ["类别", "演练" if report["drill"] else "实战"],
               ["叫应次数", report["callups"]], ["叫应人次", report["called"]], ["应答人次", report["acknowledged"]],
               ["应答率", report["ack_rate"]], ["应答用时中位数（秒）", report["ack_seconds_median"]]]
    persons = [["姓名", "手机号", "区划代码", "区划", "职责", "叫应次数", "应答次数", "应答率", "应答用时中位数（秒）"]]
    persons += [[p["name"], p["mobile"], p["region"], p["region_name"], p["duty_name"], p["called"], p["acknowledged"],
                 p["ack_rate"], p["ack_seconds_median"]] for p in report["persons"]]
    stale = [["姓名", "失败号码", "当前登记号码", "区划代码", "永久失败次数", "最后失败时间"]]
    stale += [[s["name"], s["address"], s["current_mobile"], s["region"], s["failures"],
               s["last_failed_at"].replace(tzinfo=None)] for s in report["stale_contacts"]]
    return tabular.xlsx([tabular.Sheet("汇总", summary), tabular.Sheet("责任人", persons),
                         tabular.Sheet("失效号码", stale)])


def filename(report: dict) -> str:
    kind = "drill" if report["drill"] else "callup"
    return f"{kind}-report-{report['region']}-{report['month']}.xlsx"
