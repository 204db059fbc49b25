"""`yingji worker`: run the scheduler's ticks in the foreground (production).

The same loop the demo runs in a thread. Stops cleanly on Ctrl-C or SIGTERM after the
round in progress, so a supervisor (systemd, Kubernetes) can restart it at any time:
every timer lives in the database, nothing is lost.
"""

import signal
import threading

from django.core.management.base import BaseCommand

from ... import scheduler


class Command(BaseCommand):
    help = "Run the periodic ticks (escalations, deadlines) until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--poll", type=float, default=1.0,
                            help="seconds between rounds (default 1)")
        parser.add_argument("--once", action="store_true", help="run one round and exit")

    def handle(self, *args, poll: float, once: bool, **options):
        scheduler.autodiscover()
        names = ", ".join(scheduler.registry.ticks) or "（无 / none）"
        self.stdout.write(f"已注册的定时任务 / registered ticks: {names}")
        if once:
            self._report(scheduler.run_due_ticks())
            return
        stop = threading.Event()
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, lambda *_: stop.set())
        self.stdout.write("工作进程运行中，Ctrl-C 停止 / worker running, Ctrl-C to stop")
        scheduler.run_loop(stop, poll_seconds=poll)
        self.stdout.write("工作进程已停止 / worker stopped")

    def _report(self, runs) -> None:
        for run in runs:
            self.stdout.write(f"{run.name}: {'ok' if run.ok else 'FAILED ' + run.error}")
