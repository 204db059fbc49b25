"""Named constants of stations and observations.

Quantity and quality are small integers in the database, not strings: observations
are the one table here that grows by millions of rows a year, and every byte of a row
is paid for in the table and in its index. The API speaks their names.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StationKind(models.TextChoices):
    """What a station (测站) measures."""

    RAIN = "rain", _("雨量站")
    STAGE = "stage", _("水位站")
    RAIN_STAGE = "rain_stage", _("雨量水位站")
    WEATHER = "weather", _("气象站")  # national/automatic weather stations: rain among others


class Quantity(models.IntegerChoices):
    """What an observation measures."""

    RAIN = 1, _("降雨量（毫米）")  # mm fallen in the interval ending at the time
    STAGE = 2, _("水位（米）")  # water level, m above the station's datum

    @classmethod
    def from_name(cls, name: str) -> "Quantity | None":
        return QUANTITY_BY_NAME.get(str(name).strip().lower())

    @property
    def key(self) -> str:
        return self.name.lower()


QUANTITY_BY_NAME = {"rain": Quantity.RAIN, "stage": Quantity.STAGE}


class Quality(models.IntegerChoices):
    """Quality flag (质量标志) of a stored observation."""

    OK = 0, _("正常")
    SUSPECT = 1, _("可疑")

    @property
    def key(self) -> str:
        return self.name.lower()
