"""`yingji hazards-demo`: a year of hazard work on top of the Taizhou demo (once;
later runs change nothing). `yingji demo` seeds the Taizhou demo first."""

import datetime as dt

from django.core.management.base import BaseCommand

from yingji.hazards.demo import seed_hazards_demo


class Command(BaseCommand):
    help = "Seed a year of inspections, hazards, a campaign and public reports into the Taizhou demo (once)."

    def add_arguments(self, parser):
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="the day the demo year ends (YYYY-MM-DD); default: today")

    def handle(self, *args, today: dt.date | None, **options):
        self.stdout.write("隐患排查治理演示 / hazards demo: " + seed_hazards_demo(today=today).summary())
