"""Readings of stations for the hydromet, floods and insurance tests: one clock and one
shape of a rain reading, as the hydromet ingest takes it."""

import datetime as dt

BEIJING = dt.timezone(dt.timedelta(hours=8))


def at(hour: int, minute: int = 0, day: int = 1) -> dt.datetime:
    """A time on 2024-07-<day> in Beijing time."""
    return dt.datetime(2024, 7, day, hour, minute, tzinfo=BEIJING)


def rain(station: str, time: dt.datetime | str, mm, interval: int | None = None) -> dict:
    """One rain reading (`time` aware, or already ISO 8601); `interval` (minutes) is
    left out unless given."""
    reading = {"station": station, "quantity": "rain", "time": time if isinstance(time, str) else time.isoformat(),
               "value": mm}
    if interval is not None:
        reading["interval_minutes"] = interval
    return reading


def stage(station: str, time: dt.datetime | str, metres) -> dict:
    """One stage (water level) reading, m in the gauge's datum."""
    return {"station": station, "quantity": "stage", "time": time if isinstance(time, str) else time.isoformat(),
            "value": metres}
