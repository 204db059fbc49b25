"""`yingji import-observations FILE.csv`: ingest observations from a CSV file and print
each bad row with its line number and reason."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ....core.commandline import active_user, read_bytes
from ....core.errors import DomainError
from ...csvio import import_observations


class Command(BaseCommand):
    help = ("Ingest a CSV of observations: station,time,rain_mm or station,time,quantity,value "
            "(ISO 8601 time with UTC offset; optional interval_minutes). Safe to run again.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--as", dest="username", default="",
                            help="ingest with this user's rights (default: the system)")

    def handle(self, *args, file: Path, username: str = "", **options):
        user = active_user(username) if username else None
        content = read_bytes(file)
        try:
            report = import_observations(by=user, content=content, source=f"csv:{file.name}")
        except DomainError as exc:
            raise CommandError(f"{exc.zh} / {exc.en}") from exc
        for label, problems in (("拒收 rejected", report.rejected), ("可疑 suspect", report.flagged)):
            for p in problems:
                self.stdout.write(f"  第 {p.index} 行 / line {p.index} [{label}] {p.station}: {p.reason}")
        self.stdout.write(report.summary())
