"""Benchmark: running 72-hour rainfall totals for many stations (issue 5).

    .venv/bin/python benchmarks/rain_trigger.py --stations 3000

Synthetic data: one year of 5-minute rain (105,120 steps) per station, float32, mostly
zeros, with rain events (showers of a few hours, frontal rain of a day or two, and one
or two typhoon downpours a year) whose 5-minute intensities follow a gamma law and are
recorded at 0.1 mm, like a tipping-bucket gauge.

Measured, in the same run and on the same data: the numba kernel
(:func:`yingji.kernels.rolling.rolling_totals`, and :func:`rolling_maxima` which keeps
no totals array), numpy's float64 cumsum difference (also the float64 reference),
pandas ``rolling(window, min_periods=1).sum()`` and polars ``rolling_sum`` when
installed. pandas and polars run over blocks of stations to bound memory on a shared
machine; their time is the sum over the blocks.
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np

from yingji.kernels.rolling import rolling_maxima, rolling_totals

STEPS_PER_HOUR = 12


def synthetic_rain(stations: int, steps: int, seed: int = 2023) -> np.ndarray:
    """Rain per 5-minute step, mm, float32 (stations, steps), at 0.1 mm resolution."""
    rng = np.random.default_rng(seed)
    rain = np.zeros((stations, steps), np.float32)
    # (events per year, duration h low-high, mean mm per wet 5 min): showers (5-30 mm),
    # fronts (30-120 mm), typhoons (100-250 mm); about 1,800 mm a year, like Zhejiang
    kinds = [(40, (1, 6), 0.6), (12, (12, 48), 0.3), (1.5, (24, 60), 0.5)]
    years = steps / (365 * 24 * STEPS_PER_HOUR)
    for s in range(stations):
        for per_year, (h_lo, h_hi), mean in kinds:
            for _ in range(rng.poisson(per_year * years)):
                length = int(rng.uniform(h_lo, h_hi) * STEPS_PER_HOUR)
                start = int(rng.integers(0, max(1, steps - length)))
                wet = rng.random(length) < 0.7  # dry spells inside an event
                amount = rng.gamma(0.8, mean / 0.8, length) * wet
                rain[s, start:start + length] += np.round(amount, 1).astype(np.float32)
    return rain


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """Best wall-clock seconds, the CPU seconds (all threads) of that run, the result."""
    best, cpu, result = float("inf"), float("nan"), None
    for _ in range(repeat):
        result = None  # free the previous result before the next run allocates
        c, t = time.process_time(), time.perf_counter()
        result = fn()
        wall = time.perf_counter() - t
        if wall < best:
            best, cpu = wall, time.process_time() - c
    return best, cpu, result


def compare_with_reference(rain: np.ndarray, totals: np.ndarray, window: int, block: int):
    """float64 totals by cumsum difference (exact for 0.1 mm data), a block of stations
    at a time: (its wall and CPU seconds, max abs error, share equal to float32(ref),
    per-station float64 maxima)."""
    wall = cpu = err = 0.0
    equal = 0
    maxima = np.empty(rain.shape[0])
    for a in range(0, rain.shape[0], block):
        c0, t0 = time.process_time(), time.perf_counter()
        ref = np.cumsum(rain[a:a + block], axis=1, dtype=np.float64)
        ref[:, window:] -= ref[:, :-window].copy()
        maxima[a:a + block] = ref.max(axis=1)
        wall, cpu = wall + time.perf_counter() - t0, cpu + time.process_time() - c0
        got = totals[a:a + block]
        err = max(err, float(np.max(np.abs(got - ref))))
        equal += int(np.count_nonzero(got == ref.astype(np.float32)))
    return wall, cpu, err, equal / rain.size, maxima


def pandas_time(rain: np.ndarray, window: int, block: int) -> tuple[float | None, float | None]:
    try:
        import pandas as pd
    except ImportError:
        return None, None
    wall = cpu = 0.0
    for a in range(0, rain.shape[0], block):
        df = pd.DataFrame(rain[a:a + block].T)
        c0, t0 = time.process_time(), time.perf_counter()
        df.rolling(window, min_periods=1).sum().max()
        wall, cpu = wall + time.perf_counter() - t0, cpu + time.process_time() - c0
    return wall, cpu


def polars_time(rain: np.ndarray, window: int, block: int) -> tuple[float | None, float | None]:
    try:
        import polars as pl
    except ImportError:
        return None, None
    wall = cpu = 0.0
    for a in range(0, rain.shape[0], block):
        df = pl.DataFrame(rain[a:a + block].T, schema=[f"s{i}" for i in range(min(block, rain.shape[0] - a))])
        c0, t0 = time.process_time(), time.perf_counter()
        df.select(pl.all().rolling_sum(window, min_samples=1)).max()
        wall, cpu = wall + time.perf_counter() - t0, cpu + time.process_time() - c0
    return wall, cpu


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--stations", type=int, default=3000)
    p.add_argument("--steps", type=int, default=365 * 24 * STEPS_PER_HOUR)
    p.add_argument("--window-hours", type=float, default=72.0)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--block", type=int, default=250, help="stations per pandas/polars block")
    p.add_argument("--skip-pandas", action="store_true")
    p.add_argument("--skip-polars", action="store_true")
    args = p.parse_args()
    window = int(round(args.window_hours * STEPS_PER_HOUR))

    import numba

    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, numba {numba.__version__} "
          f"({numba.config.NUMBA_NUM_THREADS} threads), numpy {np.__version__}")
    t = time.perf_counter()
    rain = synthetic_rain(args.stations, args.steps)
    n = rain.size
    print(f"data: {args.stations} stations x {args.steps} steps float32 = {rain.nbytes / 1e9:.2f} GB, "
          f"window {window} steps ({args.window_hours:g} h); wet {np.count_nonzero(rain) / n:.1%}, "
          f"generated in {time.perf_counter() - t:.1f} s")
    rolling_totals(rain[:2, :2000], window)  # compile (or load the numba cache)

    rows = [("memory copy of the input", *timed(lambda: rain.copy(), args.repeat)[:2])]
    out = np.empty_like(rain)
    out.fill(0.0)  # touch the pages once: the timing below is of the kernel, not of page faults
    wall, cpu, (totals, maxima) = timed(lambda: rolling_totals(rain, window, out=out), args.repeat)
    rows.append(("numba totals + maxima (out= given)", wall, cpu))
    rows.append(("numba totals + maxima (allocating)", *timed(lambda: rolling_totals(rain, window)[1], 1)[:2]))
    wall, cpu, only = timed(lambda: rolling_maxima(rain, window), args.repeat)
    rows.append(("numba maxima only", wall, cpu))
    ref_wall, ref_cpu, err, exact, ref_max = compare_with_reference(rain, totals, window, args.block)
    rows.append(("numpy float64 cumsum difference", ref_wall, ref_cpu))
    if not args.skip_polars:
        rows.append(("polars rolling_sum", *polars_time(rain, window, args.block)))
    if not args.skip_pandas:
        rows.append(("pandas rolling().sum()", *pandas_time(rain, window, args.block)))

    print(f"{'method':40s} {'wall s':>8s} {'CPU s':>8s} {'values/s (wall)':>16s}")
    for name, wall, cpu in rows:
        if wall is None:
            print(f"{name:40s} {'not installed':>17s}")
        else:
            print(f"{name:40s} {wall:8.3f} {cpu:8.3f} {n / wall:16.3e}")
    print(f"load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"max abs error of numba totals vs float64 reference: {err:.3g} mm; "
          f"equal to float32(reference): {exact:.4%}")
    same = bool(np.array_equal(only.total, maxima.total) and np.array_equal(only.end, maxima.end))
    print(f"maxima: max abs error {np.max(np.abs(maxima.total - ref_max)):.3g} mm; maxima-only == full: {same}; "
          f"stations reaching 140 mm in 72 h: {int(np.sum(maxima.total >= 140.0 - 0.005))}/{args.stations}")


if __name__ == "__main__":
    main()
