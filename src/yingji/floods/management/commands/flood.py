"""`yingji flood run CASE.par`: run a LISFLOOD-FP case unchanged (二维淹没模拟).

Reads the .par and every file it names, runs the 2-D local-inertial kernel and
writes LISFLOOD-FP-named outputs into the case's ``dirroot`` (or ``--out``).
No database. See :mod:`yingji.kernels.lisflood_case` for the keys supported.
"""

import time
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from ....core.commandline import positive_float, positive_int
from ....kernels.lisflood_case import ParError, read_par, run_case


class ProgressBar:
    """A one-line bar on stderr, redrawn at most twice a second (per step would cost more than the step)."""

    width = 30

    def __init__(self, stream, total: float):
        self.stream, self.total = stream, total
        self.start = self.last = time.monotonic()

    def __call__(self, t: float) -> None:
        now = time.monotonic()
        if now - self.last < 0.5 and t < self.total:
            return
        self.last = now
        frac = min(t / self.total, 1.0) if self.total > 0 else 1.0
        bar = "#" * round(frac * self.width)
        self.stream.write(f"\r[{bar:<{self.width}s}] {frac * 100:5.1f}%  t = {t:9.1f} s  "
                          f"wall {now - self.start:7.1f} s", ending="")
        self.stream.flush()

    def close(self) -> None:
        self.stream.write("")


class Command(BaseCommand):
    help = "Flood models (洪水模拟): `run CASE.par` runs a LISFLOOD-FP case and writes its outputs."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        p = sub.add_parser("run", help="run a LISFLOOD-FP .par case")
        p.add_argument("par", type=Path, help="the LISFLOOD-FP parameter file")
        p.add_argument("--sim-time", type=positive_float, default=None, help="simulated seconds (overrides sim_time)")
        p.add_argument("--threads", type=positive_int, default=None, help="numba threads (default: all cores)")
        p.add_argument("--float32", action="store_true", help="single precision state (faster, less exact)")
        p.add_argument("--out", type=Path, default=None, help="output folder (overrides dirroot)")

    def handle(self, *args, subcommand, **options):
        return getattr(self, "do_" + subcommand)(**options)

    def do_run(self, *, par, sim_time, threads, float32, out, **_):
        if threads:
            import numba

            numba.set_num_threads(min(threads, numba.config.NUMBA_NUM_THREADS))
        try:
            case = read_par(par)
            for warning in case.warnings:
                self.stderr.write(f"注意 / warning: {warning}")
            total = sim_time if sim_time is not None else case.get("sim_time")
            bar = ProgressBar(self.stderr, total)
            started = time.perf_counter()
            run = run_case(case, sim_time=sim_time, out_dir=out, dtype=np.float32 if float32 else np.float64,
                           progress=bar)
            bar.close()
        except ParError as exc:
            raise CommandError(str(exc)) from exc
        self._report(run, time.perf_counter() - started)

    def _report(self, run, wall: float) -> None:
        b = run.balance
        folder = run.files[0].parent if run.files else "-"
        self.stdout.write(f"模拟 {run.sim_time:g} s, {run.result.steps} 步, 用时 {wall:.1f} s / "
                          f"simulated {run.sim_time:g} s in {run.result.steps} steps, wall {wall:.1f} s")
        self.stdout.write(f"输出 / outputs: {len(run.files)} files in {folder}")
        self.stdout.write(f"水量平衡 / volume balance (m3): in {b.volume_in:.6e}  out {b.volume_out:.6e}  "
                          f"stored {b.stored:.6e}  error {b.error:.3e} ({b.error_percent:.4f}%)")
