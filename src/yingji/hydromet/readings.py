"""Checking one reading before it is stored: pure functions, no database.

A reading is a dict `{"station", "quantity", "time", "value"[, "interval_minutes"]}`
as it arrives by CSV, API or MQTT. `parse_reading` returns a clean `Reading` (maybe
flagged suspect, with the reason) or raises `BadReading` with the reason in Chinese
and English. What needs the database (unknown station, duplicates, out of order) is
checked by the ingest service.

Decisions, documented here because they are policy:
- Rain above the physical envelope for its interval is stored but flagged SUSPECT, not
  rejected: it may be a real record storm, and rejecting would lose it; selectors leave
  suspect values out of totals unless asked, so a faulty gauge cannot trigger a payout
  or a warning on its own. The envelope has the shape of the world-record envelope
  (Jennings 1950: P ∝ D^0.475) scaled to 300 mm in 1 h; China's 1-hour record is
  201.9 mm (Zhengzhou, 2021-07-20).
- A stage outside a plausible range is flagged the same way.
- A time without a UTC offset is rejected: "08:00" in a logger may be Beijing time or
  UTC, and guessing wrong shifts a whole storm by eight hours.
"""

import datetime as dt
import math
from dataclasses import dataclass

from .choices import Quantity

FUTURE_TOLERANCE = dt.timedelta(minutes=5)  # loggers' clocks drift; more is a wrong clock
DEFAULT_RAIN_INTERVAL_MIN = 60  # when a reading does not say: the national hourly standard
MAX_INTERVAL_MIN = 1440  # a day; longer accumulations are not observations of a storm
RAIN_ENVELOPE_1H_MM = 300.0
RAIN_ENVELOPE_EXPONENT = 0.475
EARLIEST_YEAR, LATEST_YEAR = 1900, 2200  # outside: a typo or a wrong epoch, not an observation
STAGE_RANGE_M = (-20.0, 2000.0)  # below the sea bed near the coast .. above Zhejiang's highest peak (1,929 m)


class BadReading(Exception):
    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.reason = f"{zh} / {en}"


@dataclass(frozen=True)
class Reading:
    station: str
    quantity: Quantity
    time: dt.datetime  # aware
    value: float
    interval_minutes: int | None = None
    suspect_reason: str = ""


def rain_envelope_mm(interval_minutes: float) -> float:
    """The largest rain believed physically possible in an interval, mm."""
    return RAIN_ENVELOPE_1H_MM * (interval_minutes / 60.0) ** RAIN_ENVELOPE_EXPONENT


def parse_reading(raw, *, now: dt.datetime) -> Reading:
    if not isinstance(raw, dict):
        raise BadReading("读数应为对象", "A reading must be an object")
    station = _station(raw.get("station"))
    quantity = Quantity.from_name(raw.get("quantity", ""))
    if quantity is None:
        raise BadReading("要素应为 rain 或 stage", "Quantity must be rain or stage")
    time = parse_time(raw.get("time"))
    if time > now + FUTURE_TOLERANCE:
        raise BadReading("时间在未来", "Time is in the future")
    value = parse_number(raw.get("value"), "数值", "value")
    if quantity == Quantity.RAIN:
        return _rain(station, time, value, raw.get("interval_minutes"))
    return _stage(station, time, value)


def _station(value) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise BadReading("缺少测站编号", "Station code is missing")
    code = str(value).strip()
    if len(code) > 20:
        raise BadReading("测站编号太长", "Station code is too long")
    return code


def parse_time(value) -> dt.datetime:
    if isinstance(value, dt.datetime):
        time = value
    elif value is None or (isinstance(value, str) and not value.strip()):
        raise BadReading("缺少时间", "Time is missing")
    else:
        try:
            time = dt.datetime.fromisoformat(value.strip())
        except (AttributeError, ValueError):
            raise BadReading("时间格式错误，应为 ISO 8601", "Bad time, ISO 8601 expected") from None
    if time.tzinfo is None or time.utcoffset() is None:
        raise BadReading("时间缺少时区（如 +08:00）", "Time has no UTC offset (e.g. +08:00)")
    if not EARLIEST_YEAR <= time.year <= LATEST_YEAR:  # also keeps UTC conversion from overflowing
        raise BadReading(f"时间应在 {EARLIEST_YEAR} 至 {LATEST_YEAR} 年之间",
                         f"Time must be between the years {EARLIEST_YEAR} and {LATEST_YEAR}")
    return time


def parse_number(value, zh_name: str, en_name: str) -> float:
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise BadReading(f"缺少{zh_name}", f"{en_name.capitalize()} is missing")
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError, OverflowError):
        raise BadReading(f"{zh_name}不是数字", f"{en_name.capitalize()} is not a number") from None
    if not math.isfinite(number):
        raise BadReading(f"{zh_name}不是有限数字", f"{en_name.capitalize()} is not a finite number")
    return number


def _interval(value) -> int:
    if value is None or value == "":
        return DEFAULT_RAIN_INTERVAL_MIN
    number = parse_number(value, "时段", "interval")
    if number != int(number) or not 1 <= number <= MAX_INTERVAL_MIN:
        raise BadReading(f"时段应为 1 至 {MAX_INTERVAL_MIN} 的整数分钟",
                         f"Interval must be whole minutes from 1 to {MAX_INTERVAL_MIN}")
    return int(number)


def _rain(station: str, time: dt.datetime, mm: float, interval) -> Reading:
    if mm < 0:
        raise BadReading("降雨量为负", "Negative rainfall")
    minutes = _interval(interval)
    suspect = ""
    limit = rain_envelope_mm(minutes)
    if mm > limit:
        suspect = (f"{minutes} 分钟降雨 {mm:g} 毫米超过物理上限 {limit:.0f} 毫米 / "
                   f"{mm:g} mm in {minutes} min exceeds the physical maximum of {limit:.0f} mm")
    return Reading(station, Quantity.RAIN, time, mm, minutes, suspect)


def _stage(station: str, time: dt.datetime, metres: float) -> Reading:
    low, high = STAGE_RANGE_M
    suspect = ""
    if not low <= metres <= high:
        suspect = (f"水位 {metres:g} 米超出合理范围 {low:g}–{high:g} 米 / "
                   f"stage {metres:g} m outside the plausible range {low:g} to {high:g} m")
    return Reading(station, Quantity.STAGE, time, metres, None, suspect)
