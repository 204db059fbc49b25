"""`yingji import-stations [FILE]`: load stations (default: the shipped list of the 70
national weather stations of Zhejiang). Safe to run again."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ....core import tabular
from ...choices import StationKind
from ...services import import_stations

SHIPPED = Path(__file__).resolve().parents[2] / "data" / "tidymet_st_met2176_hourly_stations_zhejiang.csv"


class Command(BaseCommand):
    help = ("Create or update stations from a CSV with columns code,name,lon,lat"
            "[,altitude,region_code,kind,source]; without FILE, the shipped national stations. "
            "Stations without region_code go to the city containing them.")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path)
        parser.add_argument("--kind", default="", choices=["", *StationKind.values],
                            help="kind of rows that do not say (default: rain, or weather for the shipped list)")
        parser.add_argument("--source", default="", help="operator of rows that do not say")

    def handle(self, *args, file=None, kind="", source="", **options):
        path = file or SHIPPED
        kind = kind or (StationKind.WEATHER if file is None else StationKind.RAIN)
        source = source or ("中国气象局 CMA" if file is None else "")
        try:
            table = tabular.read_csv(path.read_bytes())
        except OSError as exc:
            raise CommandError(f"无法读取文件 / Cannot read {path}: {exc}") from exc
        except tabular.FileRejected as exc:
            raise CommandError(f"{exc.zh} / {exc.en}") from exc
        report = import_stations(by=None, rows=[row for _, row in table.records()], default_kind=kind,
                                 default_source=source)
        for err in report.errors:
            self.stdout.write(f"  第 {err['row']} 行 / line {err['row']} ({err['code']}): {err['message']}")
        self.stdout.write(report.summary())
