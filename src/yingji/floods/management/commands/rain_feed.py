"""`yingji rain-feed`: the weather bureau's forecast rain (预报雨量) by hand.

`import FILE.csv` stores a forecast CSV as the feed folder would (each bad row printed
with its line and reason); `scan` imports the files waiting in YINGJI_RAIN_FEED_DIR
once; `evaluate` runs the due batches now (the worker's `floods.rain_forecasts` tick
does both every few seconds)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ....core.commandline import active_user, read_bytes
from ....core.errors import DomainError
from ...services import forecast_rain, rain_feed


class Command(BaseCommand):
    help = ("Forecast rain: `import FILE.csv` (station,issued_at,rain_1h,... or lon,lat,cell_deg,issued_at,"
            "rain_1h,...), `scan` (the feed folder), `evaluate` (the due batches).")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        p = sub.add_parser("import", help="store a forecast CSV")
        p.add_argument("file", type=Path)
        p.add_argument("--as", dest="username", default="", help="with this user's rights (default: the system)")
        sub.add_parser("scan", help="import the CSV files waiting in YINGJI_RAIN_FEED_DIR")
        sub.add_parser("evaluate", help="evaluate the due forecast batches now")

    def handle(self, *args, subcommand, **options):
        return getattr(self, "do_" + subcommand)(**options)

    def do_import(self, *, file: Path, username: str = "", **_):
        user = active_user(username) if username else None
        try:
            report = rain_feed.import_csv(by=user, content=read_bytes(file), source=f"csv:{file.name}"[:100])
        except DomainError as exc:
            raise CommandError(f"{exc.zh} / {exc.en}") from exc
        for p in report.rejected:
            self.stdout.write(f"  第 {p.index} 行 / line {p.index} {p.key}: {p.reason}")
        self.stdout.write(f"接收 {report.accepted}，重复 {report.duplicates}，拒收 {len(report.rejected)} / "
                          f"accepted {report.accepted}, duplicates {report.duplicates}, "
                          f"rejected {len(report.rejected)}; batches {report.batches}")

    def do_scan(self, **_):
        self.stdout.write(f"文件 / files: {rain_feed.scan_feed_folder()}")

    def do_evaluate(self, **_):
        self.stdout.write(f"批次 / batches: {forecast_rain.evaluate_due_rain_forecasts(limit=1000)}")
