"""Design storms (设计暴雨) from a depth–duration–frequency table: the table's checks,
its interpolation, and the hourly hyetograph by the alternating-block method.

The table (暴雨频率表): for each return period T (years) the rain depth D (mm) of the
storm's most intense window of each duration t (hours), as county hydrology atlases
give it (e.g. 《浙江省短历时暴雨》: 1, 6, 24 h; SL 44-2006 *Regulation for calculating
design flood of water resources and hydropower projects* §3).

Interpolation between the table's durations: a power law per segment,
``D(t) = D(t₁)·(t/t₁)^m``, m = ln(D₂/D₁)/ln(t₂/t₁), the storm-intensity formula
``i = S_p / t^n`` of Chinese practice (暴雨公式, n = 1 − m the rain decay exponent
暴雨递减指数, taken per duration band as the atlases give n₁, n₂, n₃). Exact at the
table's durations; no extrapolation outside them.

Temporal pattern: the alternating-block method (Chow, Maidment & Mays 1988, *Applied
Hydrology* §14.4, "Design hyetographs from IDF relationships"): the increments
``D(k) − D(k−1)`` of hourly blocks are placed, largest first, at the peak and then
alternately after and before it. The peak sits at the peak ratio r (雨峰位置系数, the
r of Keifer & Chu's 1957 Chicago storm): block ⌊r·N⌋ of N; the following blocks go
to the side with more room left in proportion to its size (after the peak on a tie),
so for r = 0.5 they alternate as in the textbook. Every window of d hours around the
peak then holds exactly the table's depth for d hours, the property that makes the
storm "equally rare at every duration".

That property needs the increments to be non-increasing, which the table's checks
ensure: depth rises with duration and with return period (the brief's minimum), the
mean intensity D/t does not rise with duration (n ≥ 0), and the exponent m does not
rise from one duration band to the next (n₁ ≤ n₂ ≤ ...: short-duration rain decays
more slowly, as every atlas's decay exponents do). Then D(t) is concave and the
increments already come in descending order, so no sorting moves a block: the d
blocks nearest the peak are the first d increments and sum to D(d) by telescoping.

Depths are handled in integer thousandths of a millimetre: the cumulative depths are
rounded once, the blocks are their differences, and the blocks sum exactly to the
depth of the storm's duration (to 0.001 mm, the table's own precision).

Pure numerics: no Django.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MAX_DURATION_HOURS = 72.0  # three days: the longest design storm of a small watershed
MAX_DEPTH_MM = 3000.0  # above the world's 72-hour record (3,930 mm is 4 days): a typing error
RETURN_PERIOD_RANGE = (2, 10000)
BLOCK_HOURS = 1  # the inundation runs take hourly rain
SLACK = 1e-9  # relative: a table typed from an atlas's exact power law must pass its own checks


class TableError(ValueError):
    """A table refused: the field and the reason in Chinese and English."""

    def __init__(self, field: str, zh: str, en: str):
        super().__init__(f"{zh} / {en}")
        self.field, self.zh, self.en = field, zh, en


@dataclass(frozen=True)
class DdfTable:
    """A checked table: `depths_mm[i][j]` is the depth of return period
    `return_periods[i]` (years) over `durations_hours[j]`."""

    durations_hours: tuple[float, ...]
    return_periods: tuple[int, ...]
    depths_mm: tuple[tuple[float, ...], ...]

    @classmethod
    def checked(cls, durations_hours, return_periods, depths_mm) -> DdfTable:
        """Build the table or raise TableError naming the first bad field."""
        durations = _numbers("durations_hours", durations_hours, "历时", "durations")
        periods = _numbers("return_periods", return_periods, "重现期", "return periods")
        _check_durations(durations)
        _check_periods(periods)
        depths = _matrix(depths_mm, len(periods), len(durations))
        table = cls(tuple(durations), tuple(int(p) for p in periods), tuple(tuple(r) for r in depths))
        table._check_monotone()
        table._check_shape()
        return table

    # Checks -------------------------------------------------------------------------

    def _check_monotone(self) -> None:
        t, rp = self.durations_hours, self.return_periods
        for i, row in enumerate(self.depths_mm):
            for j in range(1, len(t)):
                if not row[j] > row[j - 1]:
                    raise TableError(
                        "depths_mm",
                        f"{rp[i]}年一遇 {t[j]:g} 小时雨量 {row[j]:g} 毫米"
                        f"应大于 {t[j - 1]:g} 小时的 {row[j - 1]:g} 毫米",
                        f"the {rp[i]}-year {t[j]:g}-hour depth {row[j]:g} mm must exceed the "
                        f"{t[j - 1]:g}-hour depth {row[j - 1]:g} mm")
        for i in range(1, len(rp)):
            for j, hours in enumerate(t):
                lower, upper = self.depths_mm[i - 1][j], self.depths_mm[i][j]
                if not upper > lower:
                    raise TableError(
                        "depths_mm",
                        f"{hours:g} 小时 {rp[i]}年一遇雨量 {upper:g} 毫米应大于 {rp[i - 1]}年一遇的 {lower:g} 毫米",
                        f"the {hours:g}-hour {rp[i]}-year depth {upper:g} mm must exceed the "
                        f"{rp[i - 1]}-year depth {lower:g} mm")

    def _check_shape(self) -> None:
        t, rp = self.durations_hours, self.return_periods
        for i, row in enumerate(self.depths_mm):
            previous = math.inf
            for j in range(1, len(t)):
                m = _exponent(t[j - 1], row[j - 1], t[j], row[j])
                if m > 1 + SLACK:
                    raise TableError(
                        "depths_mm",
                        f"{rp[i]}年一遇 {t[j - 1]:g}–{t[j]:g} 小时平均雨强随历时增大"
                        f"（暴雨递减指数 n = {1 - m:.3f} < 0）",
                        f"the {rp[i]}-year mean intensity rises from {t[j - 1]:g} to {t[j]:g} hours "
                        f"(decay exponent n = {1 - m:.3f} < 0)")
                if m > previous * (1 + SLACK):
                    raise TableError(
                        "depths_mm",
                        f"{rp[i]}年一遇 {t[j - 1]:g}–{t[j]:g} 小时的暴雨递减指数 {1 - m:.3f} 小于前一时段的 "
                        f"{1 - previous:.3f}（应随历时不减）",
                        f"the {rp[i]}-year decay exponent from {t[j - 1]:g} to {t[j]:g} hours ({1 - m:.3f}) is "
                        f"below the previous band's ({1 - previous:.3f}); it must not fall with duration")
                previous = m

    # Reading ------------------------------------------------------------------------

    def depth(self, return_period: int, hours: float) -> float:
        """D (mm) for a return period of the table and a duration within its range."""
        row = self._row(return_period)
        t = self.durations_hours
        if not t[0] <= hours <= t[-1]:
            raise TableError("duration_hours", f"历时应在 {t[0]:g}–{t[-1]:g} 小时之间（表内范围，不外推）",
                             f"the duration must be {t[0]:g} to {t[-1]:g} hours (the table's range; no extrapolation)")
        for j in range(1, len(t)):
            if hours <= t[j]:
                if hours == t[j]:
                    return row[j]
                if hours == t[j - 1]:
                    return row[j - 1]
                return row[j - 1] * (hours / t[j - 1]) ** _exponent(t[j - 1], row[j - 1], t[j], row[j])
        return row[0]  # a one-duration table cannot be built; kept for completeness

    def _row(self, return_period: int) -> tuple[float, ...]:
        if return_period not in self.return_periods:
            periods = "、".join(str(p) for p in self.return_periods)
            raise TableError("return_period", f"暴雨表中没有 {return_period} 年一遇（有：{periods}）",
                             f"the table has no {return_period}-year row (it has {periods})")
        return self.depths_mm[self.return_periods.index(return_period)]


def hyetograph_milli(table: DdfTable, return_period: int, duration_hours: int, peak_ratio: float) -> list[int]:
    """The hourly blocks (integer thousandths of a mm) of the design storm of
    `return_period` years lasting `duration_hours`, by the alternating-block method
    with the peak at `peak_ratio` (0 = first hour, 1 = last)."""
    n = _block_count(table, duration_hours)
    if not 0 <= peak_ratio <= 1:
        raise TableError("peak_ratio", "雨峰位置系数应在 0–1 之间", "the peak ratio must be 0 to 1")
    cumulative = [0] + [round(table.depth(return_period, k * BLOCK_HOURS) * 1000) for k in range(1, n + 1)]
    increments = [cumulative[k] - cumulative[k - 1] for k in range(1, n + 1)]
    blocks = [0] * n
    for increment, position in zip(increments, block_positions(n, peak_ratio)):
        blocks[position] = increment
    return blocks


def hyetograph(table: DdfTable, return_period: int, duration_hours: int, peak_ratio: float) -> list[float]:
    """The hourly blocks in mm (see `hyetograph_milli`)."""
    return [b / 1000 for b in hyetograph_milli(table, return_period, duration_hours, peak_ratio)]


def block_positions(n: int, peak_ratio: float) -> list[int]:
    """Where the k-th largest block goes (0-based hours), k = 0 … n−1: the peak at
    ⌊r·n⌋, then each next block after or before the blocks placed so far, to the side
    with more room left in proportion to its size, after on a tie. Every prefix of the
    result is a run of adjacent hours, which is what makes each window about the peak
    hold the table's depth."""
    peak = min(n - 1, math.floor(peak_ratio * n))
    room_before, room_after = peak, n - 1 - peak
    before = after = 0
    positions = [peak]
    for _ in range(n - 1):
        share_before = (room_before - before) / room_before if room_before else -1.0
        share_after = (room_after - after) / room_after if room_after else -1.0
        if share_after >= share_before:
            after += 1
            positions.append(peak + after)
        else:
            before += 1
            positions.append(peak - before)
    return positions


def _block_count(table: DdfTable, duration_hours) -> int:
    longest = table.durations_hours[-1]
    if isinstance(duration_hours, bool) or not isinstance(duration_hours, int) \
            or not BLOCK_HOURS <= duration_hours <= longest:
        raise TableError("duration_hours", f"设计暴雨历时应为 1–{longest:g} 之间的整小时数",
                         f"the storm's duration must be a whole number of hours from 1 to {longest:g}")
    return duration_hours // BLOCK_HOURS


def _exponent(t1: float, d1: float, t2: float, d2: float) -> float:
    return math.log(d2 / d1) / math.log(t2 / t1)


def _numbers(field: str, values, zh: str, en: str) -> list[float]:
    try:
        out = [float(v) for v in values]
    except (TypeError, ValueError):
        raise TableError(field, f"{zh}应为数字列表", f"{en} must be a list of numbers") from None
    if not out or not all(math.isfinite(v) for v in out):
        raise TableError(field, f"{zh}不能为空且应为有限数字", f"{en} must be finite numbers, at least one")
    return out


def _check_durations(durations: list[float]) -> None:
    if len(durations) < 2:
        raise TableError("durations_hours", "至少需要两个历时", "at least two durations are needed")
    if any(b <= a for a, b in zip(durations, durations[1:])) or durations[0] <= 0:
        raise TableError("durations_hours", "历时应为正数且严格递增", "durations must be positive and increasing")
    if durations[0] > BLOCK_HOURS:
        raise TableError("durations_hours", "最短历时应不超过 1 小时（设计暴雨按小时分段）",
                         "the shortest duration must be 1 hour or less (the storm is built in hourly blocks)")
    if durations[-1] > MAX_DURATION_HOURS:
        raise TableError("durations_hours", f"最长历时不超过 {MAX_DURATION_HOURS:g} 小时",
                         f"the longest duration is at most {MAX_DURATION_HOURS:g} hours")


def _check_periods(periods: list[float]) -> None:
    low, high = RETURN_PERIOD_RANGE
    if any(p != int(p) or not low <= p <= high for p in periods):
        raise TableError("return_periods", f"重现期应为 {low}–{high} 年的整数",
                         f"return periods are whole years from {low} to {high}")
    if any(b <= a for a, b in zip(periods, periods[1:])):
        raise TableError("return_periods", "重现期应严格递增", "return periods must be increasing")


def _matrix(depths, rows: int, cols: int) -> list[list[float]]:
    try:
        matrix = [[float(v) for v in row] for row in depths]
    except (TypeError, ValueError):
        raise TableError("depths_mm", "雨量应为数字表（每个重现期一行）",
                         "depths must be a table of numbers (one row per return period)") from None
    if len(matrix) != rows or any(len(r) != cols for r in matrix):
        raise TableError("depths_mm", f"雨量表应为 {rows} 行 × {cols} 列（重现期 × 历时）",
                         f"the depths must be {rows} rows × {cols} columns (return periods × durations)")
    if not all(math.isfinite(v) and 0 < v <= MAX_DEPTH_MM for r in matrix for v in r):
        raise TableError("depths_mm", f"雨量应为 0–{MAX_DEPTH_MM:g} 毫米", f"depths are 0 to {MAX_DEPTH_MM:g} mm")
    return matrix
