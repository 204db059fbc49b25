"""`yingji hazard-counts [--rebuild]`: check that the daily and monthly hazard counts
(daily_counts.py) equal a count of the hazards table, e.g. after rows were written
around `Hazard.save()` (a bulk import); `--rebuild` counts them again."""

from django.core.management.base import BaseCommand, CommandError

from yingji.hazards import daily_counts


def _differing(stored: dict, counted: dict) -> int:
    return sum(1 for key in stored.keys() | counted.keys() if stored.get(key) != counted.get(key))


class Command(BaseCommand):
    help = "Check (or --rebuild) the daily and monthly hazard counts the regional figures read."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="count everything again from the hazards")

    def handle(self, *args, rebuild: bool, **options):
        if rebuild:
            daily_counts.rebuild()
        daily, monthly = (_differing(s, c) for s, c in zip(daily_counts.stored(), daily_counts.counted_by_database()))
        if daily or monthly:
            raise CommandError(f"隐患统计与隐患表不一致 / The hazard counts differ from the hazards: {daily} daily and "
                               f"{monthly} monthly rows; run with --rebuild")
        self.stdout.write("隐患统计与隐患表一致 / The hazard counts equal the hazards table")
