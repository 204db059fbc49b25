"""`yingji import-regions`: load the shipped Zhejiang region tree (idempotent)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ...commandline import progress_bar
from ...models import LAT_RANGE, LON_RANGE
from ...services import import_local_regions, import_official_regions, place_region
from ...tabular import FileRejected, read_csv


class Command(BaseCommand):
    help = "Load the official region tree of Zhejiang (GB/T 2260, 2022). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-progress", action="store_true", help="no progress bar")
        parser.add_argument("--villages", metavar="CSV",
                            help="also add villages/grids from a CSV with columns code,name[,parent][,lon,lat] "
                                 "(WGS84 degrees)")

    def handle(self, *args, quiet_progress=False, villages=None, **options):
        counts = import_official_regions(progress=None if quiet_progress else progress_bar)
        self.stdout.write(
            f"regions: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged"
        )
        if villages:
            self._import_villages(villages)

    def _import_villages(self, path: str) -> None:
        report = {"created": 0, "unchanged": 0, "located": 0, "errors": []}
        try:
            table = read_csv(Path(path).read_bytes())
        except OSError as exc:
            raise CommandError(f"无法读取文件 / Cannot read {path}: {exc}") from exc
        except FileRejected as exc:
            raise CommandError(f"{exc.zh} / {exc.en}") from exc
        # Row by row, so a bad location rejects its own row only and the row
        # numbers stay those of the file (row 1 is the header).
        for number, row in table.records():
            self._import_row(number, row, report)
        self.stdout.write(f"villages/grids: {report['created']} created, {report['unchanged']} unchanged, "
                          f"{len(report['errors'])} rejected, {report['located']} located")
        for err in report["errors"]:
            self.stdout.write(f"  第 {err['row']} 行 / row {err['row']} ({err['code']}): {err['message']}")

    def _import_row(self, number: int, row: dict, report: dict) -> None:
        code = (row.get("code") or "").strip()
        try:
            location = parse_location(row.get("lon"), row.get("lat"))
        except ValueError as exc:
            report["errors"].append({"row": number, "code": code, "message": str(exc)})
            return
        one = import_local_regions(by=None, rows=[row])
        if one["errors"]:
            report["errors"].extend({**err, "row": number} for err in one["errors"])
            return
        report["created"] += one["created"]
        report["unchanged"] += one["unchanged"]
        if location is not None and place_region(code, *location):
            report["located"] += 1


def parse_location(lon: str | None, lat: str | None) -> tuple[float, float] | None:
    """(lon, lat) from the CSV cells, None when both are empty; ValueError with a
    bilingual reason otherwise."""
    lon, lat = (lon or "").strip(), (lat or "").strip()
    if not lon and not lat:
        return None
    if not lon or not lat:
        raise ValueError("经度和纬度须同时填写 / lon and lat go together")
    values = []
    for label, text, (low, high) in (("经度 lon", lon, LON_RANGE), ("纬度 lat", lat, LAT_RANGE)):
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{label}: 不是数字 / not a number: {text!r}") from None
        if not low <= value <= high:  # also refuses nan and inf
            raise ValueError(f"{label}: 应在 {low:g} 至 {high:g} 之间 / must be between {low:g} and {high:g}: "
                             f"{text}")
        values.append(value)
    return values[0], values[1]
