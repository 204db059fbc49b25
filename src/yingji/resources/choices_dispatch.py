"""Choices of dispatch (调度): the states of an order, the kinds of destination, the
channels a step is reported by."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DispatchState(models.TextChoices):
    REQUESTED = "requested", _("已下达")
    ACKNOWLEDGED = "acknowledged", _("已接收")
    DEPARTED = "departed", _("已出发")
    ARRIVED = "arrived", _("已到达")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已取消")


# The forward path: each action moves a dispatch from the state before it to its own.
PATH = [DispatchState.REQUESTED, DispatchState.ACKNOWLEDGED, DispatchState.DEPARTED, DispatchState.ARRIVED,
        DispatchState.COMPLETED]
ACTIONS = {"acknowledge": DispatchState.ACKNOWLEDGED, "depart": DispatchState.DEPARTED,
           "arrive": DispatchState.ARRIVED, "complete": DispatchState.COMPLETED}
# The state an action needs the dispatch to be in.
BEFORE = {PATH[i + 1]: PATH[i] for i in range(len(PATH) - 1)}
# The column that stamps each state's time.
TIME_FIELD = {DispatchState.REQUESTED: "requested_at", DispatchState.ACKNOWLEDGED: "acknowledged_at",
              DispatchState.DEPARTED: "departed_at", DispatchState.ARRIVED: "arrived_at",
              DispatchState.COMPLETED: "completed_at", DispatchState.CANCELLED: "cancelled_at"}
OPEN_STATES = [DispatchState.REQUESTED, DispatchState.ACKNOWLEDGED, DispatchState.DEPARTED, DispatchState.ARRIVED]


class DestinationKind(models.TextChoices):
    REPORT = "report", _("突发事件")
    RISK_POINT = "risk_point", _("风险点")
    SHELTER = "shelter", _("避灾安置场所")
    POSITION = "position", _("指定位置")


class StepChannel(models.TextChoices):
    LOGIN = "login", _("登录操作")
    LINK = "link", _("短信链接")
    SYSTEM = "system", _("系统")
