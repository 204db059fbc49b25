"""`yingji import-regions`: load the shipped Zhejiang region tree (idempotent)."""

import csv
import sys

from django.core.management.base import BaseCommand

from ...services import import_local_regions, import_official_regions


def progress_bar(done: int, total: int, width: int = 40) -> None:
    if done % 50 and done != total:
        return
    filled = width * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
    if done == total:
        sys.stderr.write("\n")


class Command(BaseCommand):
    help = "Load the official region tree of Zhejiang (GB/T 2260, 2022). Safe to run again."

    def add_arguments(self, parser):
        parser.add_argument("--quiet-progress", action="store_true", help="no progress bar")
        parser.add_argument("--villages", metavar="CSV",
                            help="also add villages/grids from a CSV with columns code,name[,parent]")

    def handle(self, *args, quiet_progress=False, villages=None, **options):
        counts = import_official_regions(progress=None if quiet_progress else progress_bar)
        self.stdout.write(
            f"regions: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged"
        )
        if villages:
            self._import_villages(villages)

    def _import_villages(self, path: str) -> None:
        with open(path, encoding="utf-8-sig", newline="") as f:
            report = import_local_regions(by=None, rows=csv.DictReader(f))
        self.stdout.write(f"villages/grids: {report['created']} created, {report['unchanged']} unchanged, "
                          f"{len(report['errors'])} rejected")
        for err in report["errors"]:
            self.stdout.write(f"  第 {err['row']} 行 / row {err['row']} ({err['code']}): {err['message']}")
