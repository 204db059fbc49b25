"""`yingji design-floods --run ID --duration HOURS [--return-periods 5,10,...] --as USER`:
queue the typical-frequency floods (典型频率洪水) of a watershed: one inundation run per
return period of its design storm table, on the DEM of inundation run ID."""

from django.core.management.base import BaseCommand, CommandError

from ....core.commandline import active_user
from ....core.errors import DomainError
from ....core.scope import Scope
from ... import selectors
from ...services import design_storms


class Command(BaseCommand):
    help = "Queue one inundation run per return period of the design storm (on the DEM of an earlier run)."

    def add_arguments(self, parser):
        parser.add_argument("--run", type=int, required=True, help="the inundation run whose DEM is used")
        parser.add_argument("--duration", type=int, required=True, help="the design storm's duration (hours)")
        parser.add_argument("--return-periods", default="", help="e.g. 5,10,20,50,100 (default: the table's)")
        parser.add_argument("--as", dest="username", required=True, help="the officer on whose behalf")

    def handle(self, *args, run: int, duration: int, return_periods: str, username: str, **options):
        user = active_user(username)
        try:
            periods = [int(p) for p in return_periods.split(",") if p.strip()] or None
        except ValueError as exc:
            raise CommandError("重现期应为整数 / return periods are whole years") from exc
        try:
            base = selectors.inundation_get(Scope.for_user(user), run)
            floods = design_storms.design_floods_start(by=user, base_run=base, duration_hours=duration,
                                                       return_periods=periods)
        except DomainError as exc:
            raise CommandError(f"{exc.zh} / {exc.en}") from exc
        for f in floods:
            self.stdout.write(f"{f.return_period} 年一遇 / {f.return_period}-year: {f.depth_mm:.1f} mm "
                              f"→ run {f.run_id}")
