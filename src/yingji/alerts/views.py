"""Pages of warnings and call-up: list, issue form, detail with the live board
(htmx polls the board fragment), Excel export, and the public acknowledgement page."""


from django import forms
from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from ..core import exports, tabular
from ..core.errors import DomainError
from ..core.regionpicker import RegionField, bind_scope
from ..core.scope import Scope
from ..core.ui import add_form_errors
from . import reports, selectors, services
from .choices import (
    IN_FORCE,
    LEVEL_COLOURS,
    AckChannel,
    CallUpStatus,
    TargetState,
    WarningLevel,
    WarningType,
)
from .exports import WARNINGS

BOARD_POLL_SECONDS = 5


class WarningForm(forms.Form):
    type = forms.ChoiceField(label="预警类型", choices=WarningType.choices)
    level = forms.ChoiceField(label="预警级别", choices=WarningLevel.choices)
    regions = RegionField(label="预警区划", multiple=True,
                          help_text="逐级选择或输入名称、拼音首字母、代码；多个区划以顿号或空格分隔")
    headline = forms.CharField(label="标题", max_length=200)
    description = forms.CharField(label="内容", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    expires = forms.DateTimeField(label="失效时间", required=False,
                                  widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    drill = forms.BooleanField(label="演练", required=False)

    def region_codes(self) -> list[str]:
        return self.cleaned_data["regions"]


# The bound of the API's FeedbackIn (and far inside the column's 2^31).
PEOPLE_MAX = 10_000_000


class FeedbackForm(forms.Form):
    text = forms.CharField(label="处置情况", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    people_moved = forms.IntegerField(label="转移人数", min_value=0, max_value=PEOPLE_MAX, initial=0, required=False)
    patrols = forms.IntegerField(label="巡查人次", min_value=0, max_value=PEOPLE_MAX, initial=0, required=False)


def warning_list(request):
    scope = Scope.for_user(request.user)
    if exports.requested(request):
        return exports.response(request, WARNINGS, selectors.warning_list(scope=scope))
    warnings = selectors.warning_list(scope=scope).select_related("callup")[:200]
    return render(request, "alerts/warning_list.html", {
        "warnings": warnings, "can_issue": scope.role in ("admin", "officer"), "colours": LEVEL_COLOURS})


def warning_issue(request):
    form = bind_scope(WarningForm(request.POST or None), Scope.for_user(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            warning = services.warning_issue(
                by=request.user, type=data["type"], level=data["level"], region_codes=form.region_codes(),
                headline=data["headline"], description=data["description"], expires=data["expires"],
                drill=data["drill"])
        except DomainError as exc:
            add_form_errors(form, exc)
        else:
            return redirect("warning_detail", id=warning.pk)
    return render(request, "alerts/warning_form.html", {"form": form})


def warning_detail(request, id: int):
    scope = Scope.for_user(request.user)
    warning = selectors.warning_get(scope=scope, id=id)
    return render(request, "alerts/warning_detail.html", {
        "warning": warning, "board": selectors.board(scope=scope, warning=warning), "colours": LEVEL_COLOURS,
        "poll": BOARD_POLL_SECONDS, "in_force": warning.status in IN_FORCE,
        "villages": (villages := selectors.village_map(scope=scope, warning=warning)["villages"]),
        "unlocated": [v for v in villages if v["lon"] is None or v["lat"] is None],
        "tile_url": settings.YINGJI_TILE_URL,
        "can_cancel": scope.role in ("admin", "officer") and all(scope.covers_region(c) for c in warning.region_codes),
    })


def warning_board(request, id: int):
    """The board fragment that the detail page polls."""
    scope = Scope.for_user(request.user)
    warning = selectors.warning_get(scope=scope, id=id)
    return render(request, "alerts/_board.html",
                  {"warning": warning, "board": selectors.board(scope=scope, warning=warning),
                   "poll": BOARD_POLL_SECONDS})


@require_http_methods(["POST"])
def warning_cancel(request, id: int):
    warning = selectors.warning_get(scope=Scope.for_user(request.user), id=id)
    services.warning_cancel(by=request.user, warning=warning)
    return redirect("warning_detail", id=warning.pk)


def warning_board_export(request, id: int):
    """The board as an Excel workbook: a summary sheet, per-region counts, unreached list."""
    scope = Scope.for_user(request.user)
    warning = selectors.warning_get(scope=scope, id=id)
    board = selectors.board(scope=scope, warning=warning)
    summary = [["预警", warning.headline], *([label, board[key]] for label, key in SUMMARY_ROWS)]
    regions = [["区划代码", "区划", "叫应人数", "已应答", "未叫应", "未应答通知"]]
    for t in board["by_township"]:
        regions.append([t["region"], f"{t['region_name']} 小计", t["targets"], t["acknowledged"], t["unreached"],
                        t["notices"]])
        regions += [[r["region"], r["region_name"], r["targets"], r["acknowledged"], r["unreached"], None]
                    for r in t["regions"]]
    unreached = [["姓名", "手机号", "职务", "区划", "列入时间", "上级"]]
    unreached += [[u["name"], u["mobile"], u["title"], u["region_name"],
                   u["unreached_at"].replace(tzinfo=None) if u["unreached_at"] else None, u["superior"] or ""]
                  for u in board["unreached"]]
    content = tabular.xlsx([tabular.Sheet("汇总", summary), tabular.Sheet("分区统计", regions),
                            tabular.Sheet("未叫应名单", unreached)])
    response = HttpResponse(content, content_type=tabular.CONTENT_TYPES["xlsx"])
    response["Content-Disposition"] = f'attachment; filename="callup-{warning.pk}.xlsx"'
    return response


class ReportForm(forms.Form):
    region = RegionField(label="区划")
    month = forms.RegexField(label="月份", regex=r"^\d{4}-\d{2}$", help_text="YYYY-MM",
                             widget=forms.TextInput(attrs={"placeholder": "2026-07"}))
    drill = forms.BooleanField(label="演练", required=False)


def callup_report(request):
    """The monthly report page: pick a region (your own by default) and a month."""
    scope = Scope.for_user(request.user)
    initial = {"region": scope.region_code or "33", "month": f"{timezone.localdate():%Y-%m}"}
    form = bind_scope(ReportForm(request.GET or None, initial=initial), scope)
    report = None
    if request.GET and form.is_valid():
        try:
            report = _monthly(scope, form.cleaned_data)
        except DomainError as exc:
            add_form_errors(form, exc)
    return render(request, "alerts/report.html", {"form": form, "report": report,
                                                  "query": request.GET.urlencode()})


def callup_report_export(request):
    scope = Scope.for_user(request.user)
    form = bind_scope(ReportForm(request.GET), scope)
    if not form.is_valid():
        raise DomainError("报表参数有误", "Invalid report parameters",
                          fields={k: "; ".join(v) for k, v in form.errors.items()})
    report = _monthly(scope, form.cleaned_data)
    response = HttpResponse(reports.workbook(report), content_type=reports.XLSX)
    response["Content-Disposition"] = f'attachment; filename="{reports.filename(report)}"'
    return response


def _monthly(scope: Scope, data: dict) -> dict:
    return selectors.monthly_report(scope=scope, region=data["region"], month=reports.parse_month(data["month"]),
                                    drill=data["drill"])


SUMMARY_ROWS = [("叫应人数", "targets"), ("未应答通知", "notices"), ("收到通知人数", "notified"),
                ("已发送", "sent"), ("已送达", "delivered"), ("已应答", "acknowledged"),
                ("已反馈", "feedback"), ("已通知上级", "escalated"), ("应答用时中位数（秒）", "ack_seconds_median"),
                ("应答用时P90（秒）", "ack_seconds_p90")]


def callup_ended(callup, now=None) -> bool:
    """A call-up ends when it is stopped (its warning lifted) or its warning expires."""
    expires = callup.warning.expires
    return callup.status == CallUpStatus.CANCELLED or (expires is not None and expires <= (now or timezone.now()))


@require_http_methods(["GET", "POST"])
def acknowledge(request, token: str):
    """The link in every call-up message: GET shows one button, POST records the
    acknowledgement, then the feedback form. No login: the signed token is the key."""
    try:
        target = services.target_for_token(token)
    except DomainError:
        return render(request, "alerts/ack_invalid.html", status=404)
    if callup_ended(target.callup):
        # Gone, not missing: the link was good, and the person should know why it no
        # longer works (and that nothing more is asked of them).
        return render(request, "alerts/ack_ended.html", {"warning": target.callup.warning}, status=410)
    form = FeedbackForm(request.POST or None) if target.acknowledged_at else None
    if request.method == "POST":
        if target.acknowledged_at is None:
            target = services.acknowledge(target=target, channel=AckChannel.LINK)
            return redirect("ack", token=token)
        if form.is_valid():
            try:
                services.feedback(target=target, text=form.cleaned_data["text"],
                                  people_moved=form.cleaned_data["people_moved"] or 0,
                                  patrols=form.cleaned_data["patrols"] or 0, channel=AckChannel.LINK)
            except DomainError as exc:
                add_form_errors(form, exc)
            else:
                return redirect("ack", token=token)
    return render(request, "alerts/ack.html", {
        "target": target, "warning": target.callup.warning, "form": form,
        "has_feedback": target.state == TargetState.FEEDBACK})
