"""Named constants of flash-flood risk points, critical rainfall, sections and alerts."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The windows of critical rainfall (临界雨量) and of forecast rain, hours.
WINDOWS_HOURS = (1, 3, 6, 24)


class Window(models.IntegerChoices):
    """A rainfall window (时段) of critical rainfall."""

    H1 = 1, _("1小时")
    H3 = 3, _("3小时")
    H6 = 6, _("6小时")
    H24 = 24, _("24小时")


class AlertLevel(models.TextChoices):
    """Two levels of flash-flood warning, for rain at a risk point and for forecast
    stage at a section: prepare to move (准备转移) when rain reaches the lower critical
    rainfall or the forecast stage reaches the warning stage (警戒水位); move now
    (立即转移) at the upper critical rainfall or the critical stage (危急水位)."""

    PREPARE = "prepare", _("准备转移")
    MOVE_NOW = "move_now", _("立即转移")


LEVEL_RANK = {AlertLevel.PREPARE: 1, AlertLevel.MOVE_NOW: 2}

# The colour of the warning each level issues through `alerts` (a local policy, kept
# here as the one place to change it): move now is the highest, red (I); prepare to
# move is orange (II), one below, so that the call-up of move-now is the wider one.
WARNING_COLOUR = {AlertLevel.PREPARE: "orange", AlertLevel.MOVE_NOW: "red"}


class AlertSource(models.TextChoices):
    """What raised a flash-flood alert."""

    RAIN = "rain", _("临界雨量")
    FORECAST = "forecast", _("预报水位")
    STAGE = "stage", _("实测水位")  # a section's stage gauge read at or above its warning stage
    SCOUR = "scour", _("冲刷流速")  # a forecast's velocity at or above the section's scour threshold
    FORECAST_RAIN = "fc_rain", _("预报雨量")  # the feed's forecast rain against critical rainfall
