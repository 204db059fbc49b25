"""`yingji import-regions`: load the shipped Zhejiang region tree (idempotent)."""

import sys

from django.core.management.base import BaseCommand

from ...services import import_official_regions


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

    def handle(self, *args, quiet_progress=False, **options):
        counts = import_official_regions(progress=None if quiet_progress else progress_bar)
        self.stdout.write(
            f"regions: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged"
        )
