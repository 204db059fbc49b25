"""`yingji demo`: the embedded platform in one command, no server to install.

Migrates the SQLite database (./var by default), loads the official regions, seeds
the Taizhou demo the first time (later runs reuse it), starts the in-process worker
thread for timers and serves http://127.0.0.1:8000 with Django's development server.
"""

import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from ....accidents.demo import seed_accidents_demo
from ....core import scheduler
from ....core.commandline import progress_bar
from ....core.services import import_official_regions
from ....duty.demo import seed_duty_demo
from ....duty.demo_notices import seed_notices_demo
from ....duty.demo_reports import seed_reports_demo
from ....enforcement.demo import seed_enforcement_demo
from ....floods.demo import load_flood_demos
from ....hazards.demo import seed_hazards_demo
from ....hazchem.demo import seed_hazchem_demo
from ....insurance.demo import archive_2019, load_demo_policy
from ....resources.demo_dispatch import seed_dispatch_demo
from ....resources.demo_supplies import seed_supplies_demo
from ....resources.demo_teams import seed_teams_demo
from ....resources.demo_videodrills import seed_videodrills_demo
from ....response.demo_evacuation import seed_evacuation_demo
from ....response.demo_lastmile import seed_lastmile_demo
from ....response.demo_levels import seed_levels_demo
from ....response.demo_riskcontrol import seed_riskcontrol_demo
from ...seed import ACCOUNTS, PASSWORD, is_seeded, seed_demo


def demo_public_url(host: str, port: int) -> str:
    """The base of the links the demo sends (acknowledgement links): the operator's
    YINGJI_PUBLIC_URL when set, otherwise this server's host and port (a wildcard host
    is reached on the loopback address)."""
    if settings.YINGJI_PUBLIC_URL_EXPLICIT:
        return settings.YINGJI_PUBLIC_URL.rstrip("/")
    shown = "127.0.0.1" if host in ("", "0.0.0.0", "::") else host
    if ":" in shown:  # an IPv6 address
        shown = f"[{shown}]"
    return f"http://{shown}:{port}"


class Command(BaseCommand):
    help = "Prepare the demo database (once) and serve it with an in-process worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true",
                            help="only prepare the database, then exit")

    def handle(self, *args, host: str, port: int, no_serve: bool, **options):
        if not 0 < port < 65536:
            raise CommandError(f"--port：端口应在 1–65535 之间 / --port must be between 1 and 65535: {port}")
        self.prepare()
        url = demo_public_url(host, port) + "/"
        self.print_logins(url)
        if not no_serve:
            self.serve(host, port)

    def prepare(self) -> None:
        self.stdout.write(f"数据库 / database: {settings.DATABASES['default']['NAME']}")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("行政区划 / regions:")
        counts = import_official_regions(progress=progress_bar)
        self.stdout.write(f"  {counts['created']} created, {counts['unchanged']} unchanged")
        if is_seeded():
            self.stdout.write("演示数据已存在，直接使用 / demo data already present: reusing it")
            return
        self.stdout.write("生成台州市演示数据 / seeding the Taizhou demo:")
        report = seed_demo(progress=progress_bar)
        figures = ", ".join(f"{v} {k}" for k, v in report.counts.items())
        self.stdout.write(f"  {figures} in {report.seconds:.1f} s")
        # A year of inspections and hazards in Taizhou. It plays the past on a simulated
        # clock, so it must run before the worker thread and the server start.
        self.stdout.write("隐患排查治理演示 / hazards demo: " + seed_hazards_demo().summary())
        self.stdout.write("信息报送演示 / information reports demo: " + seed_reports_demo().summary())
        self.stdout.write("生产安全事故演示 / accidents demo: " + seed_accidents_demo().summary())
        # The Taizhou catastrophe policy with a typhoon and a rain
        # trigger (a dozen seconds: once, with the first seeding).
        self.stdout.write("巨灾保险演示 / insurance demo:")
        self.stdout.write("  " + load_demo_policy(archive=archive_2019()).summary())
        # The flash-flood demo: a synthetic watershed in Lin'an (Hangzhou, seen by
        # demo-province) and the same in Wenling (seen by demo-wenling and demo-taizhou),
        # each with villages, gauges, a storm, warnings and an inundation run.
        self.stdout.write("山洪演示 / flood demo:")
        for report in load_flood_demos():
            self.stdout.write("  " + report.summary())
        self.stdout.write("值班值守演示 / duty desk demo: " + seed_duty_demo().summary())
        self.stdout.write(f"提示单与会商演示 / notices and consultations demo: {seed_notices_demo()}")
        self.stdout.write("应急响应演练 / response drill: " + seed_levels_demo().summary())
        self.stdout.write("风险清单管控演示 / risk-control demo: " + seed_riskcontrol_demo().summary())
        # Broadcast terminals, sirens and lights in the demo villages, and the typhoon
        # drill sent to them (printed by the console gateway as the worker sends).
        self.stdout.write("预警进村入户演示 / last-mile demo: " + seed_lastmile_demo().summary())
        self.stdout.write("人员转移演示 / evacuation demo: " + seed_evacuation_demo().summary())
        self.stdout.write("应急物资演示 / supplies demo: " + seed_supplies_demo().summary())
        self.stdout.write("救援队伍演示 / teams demo: " + seed_teams_demo().summary())
        self.stdout.write("调度演练 / dispatch drill: " + seed_dispatch_demo().summary())
        # After the teams: each team is a node of the video drills.
        self.stdout.write("视频调度演练演示 / video-drill demo: " + seed_videodrills_demo().summary())
        self.stdout.write("行政执法演示 / enforcement demo: " + seed_enforcement_demo().summary())
        self.stdout.write("危化品流向演示 / hazchem demo: " + seed_hazchem_demo().summary())

    def print_logins(self, url: str) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"应急 Yingji 演示 / demo: {url}"))
        self.stdout.write(f"演示账号（密码均为 {PASSWORD}）/ demo logins (password: {PASSWORD}):")
        for account in ACCOUNTS:
            self.stdout.write(f"  {account.username:<16} {account.title}（{account.region_code}）")
        self.stdout.write(f"API: {url}api/docs")
        # A second process does not know this one's port: tell it, so its links point here.
        links = "" if settings.YINGJI_PUBLIC_URL_EXPLICIT else f"YINGJI_PUBLIC_URL={url.rstrip('/')} "
        self.stdout.write("预警叫应演示 / call-up demo: 预警 → 发布预警 in the UI, or "
                          f"{links}YINGJI_FAKE_GATEWAY=console .venv/bin/yingji demo-warning "
                          "--region 331081 --level red")
        self.stdout.write("")

    def serve(self, host: str, port: int) -> None:
        # Without a real SMS/voice gateway the demo prints its messages to the console.
        # An explicit YINGJI_FAKE_GATEWAY (even empty) is left as it is. The
        # acknowledgement links in the messages point at this server's port.
        overrides = {"YINGJI_PUBLIC_URL": demo_public_url(host, port)}
        if not settings.YINGJI_SMS_URL and settings.YINGJI_FAKE_GATEWAY is None:
            overrides["YINGJI_FAKE_GATEWAY"] = "console"
        with override_settings(**overrides):
            self._serve(host, port)

    def _serve(self, host: str, port: int) -> None:
        # People trying the demo see its own Chinese 404/500 pages (DEBUG=1 for Django's).
        with override_settings(DEBUG=settings.DEMO_DEBUG):
            self._run(host, port)

    def _run(self, host: str, port: int) -> None:
        worker = scheduler.start_worker_thread()
        try:
            # No autoreloader: it would fork a second process with a second worker thread.
            call_command("runserver", f"{host}:{port}", use_reloader=False)
        except KeyboardInterrupt:
            sys.stderr.write("\n")
        finally:
            worker.stop()
            self.stdout.write("演示已停止 / demo stopped")
