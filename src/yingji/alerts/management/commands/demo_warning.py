"""`yingji demo-warning`: issue a red rainstorm warning for Wenling (the demo's
county) and start its call-up; the scheduler tick then calls, redials and escalates.
Shorten the demo's waits with YINGJI_CALLUP_TIME_SCALE (e.g. 0.05: escalation after
45 s instead of 15 min)."""

from django.core.management.base import BaseCommand

from yingji.alerts import selectors, services
from yingji.core.scope import SYSTEM


class Command(BaseCommand):
    help = "Issue a red rainstorm warning for a county of the demo (default Wenling 331081) and start the call-up"

    def add_arguments(self, parser):
        parser.add_argument("--region", default="331081")
        parser.add_argument("--level", default="red")
        parser.add_argument("--drill", action="store_true")

    def handle(self, *args, region, level, drill, **options):
        warning = services.warning_issue(
            by=None, type="rainstorm", level=level, region_codes=[region], drill=drill,
            headline="温岭市气象台发布暴雨红色预警信号" if region == "331081" else "暴雨预警",
            description="过去3小时最大降雨量已达100毫米以上，且降雨将持续。请立即组织危险区域人员转移。",
        )
        board = selectors.board(scope=SYSTEM, warning=warning)
        self.stdout.write(f"warning {warning.pk}: {board['targets']} persons to call; board at "
                          f"{services.public_url()}/warnings/{warning.pk}/")
