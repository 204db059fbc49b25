"""Benchmark of the 2-D inundation kernel (issue 6): EA Test 5 and a synthetic storm.

Prints cell-updates per second over ALL cells (the LISFLOOD-FP convention:
rows × columns × steps / wall time) for the numba kernel with 1 and 2 threads
and for the numpy reference (on a short run), the mass-balance error, the wall
time and the load average (other processes on the 2 cores change the figures).

    .venv/bin/python benchmarks/flood2d.py                      # both cases, full size
    .venv/bin/python benchmarks/flood2d.py --case ea5 --sim-time 7200
    .venv/bin/python benchmarks/flood2d.py --case storm --scale 0.05 --hours 6

With 2 threads the engine picks, step by step, one thread or two by measured
cost (a busy second core makes two slower); ``parallel`` in the output is the
share of steps that ran on two. ``--fixed-threads`` always uses all threads.

Anchors (issue 6, same kind of machine): LISFLOOD-FP 8.1 ACC, 2 threads, runs
EA Test 5 for 2 h in 118 s (double), 147 M cell-updates/s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numba
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from yingji.kernels.flood2d import EdgeBoundary, FloodModel, TimeSeries, simulate
from yingji.kernels.flood2d.model import NumbaEngine
from yingji.kernels.lisflood_io import (
    bci_forcing,
    read_ascii_grid,
    read_bci,
    read_bdy,
    read_stage,
)

# The shared data lie beside the repository (<repo>/../shared), as for the tests (tests/conftest.py).
EA5 = Path(__file__).resolve().parents[2] / "shared" / "data" / "flood" / "ea-test5"


def ea5_model(dtype) -> tuple[FloodModel, list]:
    """EA Test 5 as its .par describes it: Manning 0.04, max time step 0.7 s, 20 QVAR points.

    θ = 1 and CFL 0.7 as LISFLOOD-FP (and ``yingji flood run``) use them for this
    .par, not :class:`FloodModel`'s own defaults.
    """
    grid = read_ascii_grid(EA5 / "ea5-10m.dem")
    sources, edges = bci_forcing(read_bci(EA5 / "ea5-10m.bci"), read_bdy(EA5 / "ea5.bdy"), grid)
    stage_points = [grid.cell_of(x, y) for x, y in read_stage(EA5 / "ea5.stage")]
    model = FloodModel(z=grid.data, dx=grid.cellsize, manning=0.04, sources=sources, boundaries=edges,
                       dt_max=0.7, theta=1.0, alpha=0.7, dtype=dtype)
    return model, stage_points


def storm_model(scale: float, hours: float, dtype) -> FloodModel:
    """A synthetic mountain catchment of 5 M cells × scale (10 m cells) under a 6-hour storm.

    A valley falling south at 2%, side slopes of 10% with ridges, free outflow at
    the outlet (the middle tenth of the south edge; other edges closed); rain a triangle peaking at 40 mm/h after 2 h
    (120 mm in 6 h, a heavy Zhejiang plum-rain/typhoon storm).
    """
    side = round(np.sqrt(5_000_000 * scale))
    y, x = np.mgrid[0:side, 0:side].astype(float) * 10.0
    xc = 5.0 * side
    # ridges of ±2 m change the bed by at most 2/310 along the valley, less than its
    # 2% fall, so the valley has no closed pits (a real catchment drains)
    z = 0.02 * (side * 10.0 - y) + 0.10 * np.abs(x - xc) + 2.0 * np.sin(x / 230.0) * np.cos(y / 310.0)
    outlet = (side // 2 - side // 20, side // 2 + side // 20)
    rain = TimeSeries(np.array([0.0, 2.0, 6.0, max(6.0, hours)]) * 3600.0,
                      np.array([0.0, 40.0, 0.0, 0.0]) / 1000.0 / 3600.0)
    bcs = [EdgeBoundary("south", "free", 0.02, *outlet)]
    return FloodModel(z=z, dx=10.0, manning=0.05, rain=rain, boundaries=bcs, dt_max=5.0, dtype=dtype)


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def run(model, sim_time, engine, threads, stage_points=(), h0=0.0):
    numba.set_num_threads(threads)
    t0, c0 = time.perf_counter(), time.process_time()
    res = simulate(model, h0, sim_time, engine=engine, mass_interval=max(sim_time / 10, 1.0),
                   stage_points=stage_points, stage_interval=max(sim_time / 10, 1.0))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    last = res.mass[-1]
    vin = last.rain + last.sources + last.boundary_in
    return {"engine": engine, "threads": threads, "sim_time": sim_time, "steps": res.steps, "wall": wall, "cpu": cpu,
            "rate": res.cell_updates / wall, "mass_error": last.error, "vol_in": vin, "rel": last.relative_error,
            "wet": int((res.max_depth > 0.001).sum()), "result": res,
            "parallel": res.parallel_steps / max(res.steps, 1), "load": load()}


def report(name, cells, r):
    print(f"{name:10s} {r['engine']:6s} threads={r['threads']} sim={r['sim_time']:8.0f}s steps={r['steps']:6d} "
          f"wall={r['wall']:8.2f}s cpu={r['cpu']:8.2f}s  {r['rate'] / 1e6:8.1f} M cell-updates/s  "
          f"mass error {r['mass_error']:.3e} m3 ({r['rel'] * 100:.2e}% of {r['vol_in']:.4g} m3 in)  "
          f"ever wet {r['wet']} of {cells} cells  parallel {r['parallel'] * 100:.0f}%  [{r['load']}]", flush=True)


def warm_up(dtype):
    """Compile (or load from cache) the numba kernels on a tiny case, outside the timings."""
    z = np.zeros((4, 4))
    m = FloodModel(z=z, dx=1.0, rain=1e-5, boundaries=[EdgeBoundary("east", "free", 0.01)], dtype=dtype)
    simulate(m, 0.1, 1.0)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--case", choices=["ea5", "storm", "both"], default="both")
    ap.add_argument("--sim-time", type=float, default=7200.0, help="EA Test 5 simulated time, s")
    ap.add_argument("--scale", type=float, default=1.0, help="storm grid size as a fraction of 5 M cells")
    ap.add_argument("--hours", type=float, default=6.0, help="storm simulated hours")
    ap.add_argument("--ref-steps", type=int, default=20, help="steps for the numpy reference's rate")
    ap.add_argument("--threads", default="1,2")
    ap.add_argument("--float32", action="store_true")
    ap.add_argument("--fixed-threads", action="store_true", help="always all threads (no per-step choice)")
    args = ap.parse_args(argv)
    NumbaEngine.adaptive_threads = not args.fixed_threads
    dtype = np.float32 if args.float32 else np.float64
    threads = [int(t) for t in args.threads.split(",")]
    warm_up(dtype)
    print(f"numba {numba.__version__}, {numba.config.NUMBA_NUM_THREADS} threads available, dtype {dtype.__name__}, "
          f"{numba.threading_layer()} threads, {load()}")
    if args.case in ("ea5", "both"):
        model, points = ea5_model(dtype)
        cells = model.z.size
        print(f"EA Test 5: {model.ny} x {model.nx} = {cells} cells, {int(model.active.sum())} not NODATA")
        for th in threads:
            r = run(model, args.sim_time, "numba", th, points)
            report("ea5", cells, r)
            print("           stage at the 7 points (m):", np.round(r["result"].stage[-1], 3))
        report("ea5", cells, run(model, args.ref_steps * 0.7, "numpy", 1))
    if args.case in ("storm", "both"):
        model = storm_model(args.scale, args.hours, dtype)
        cells = model.z.size
        sim = args.hours * 3600.0
        print(f"storm: {model.ny} x {model.nx} = {cells} cells, {args.hours} h")
        for th in threads:
            r = run(model, sim, "numba", th)
            report("storm", cells, r)
            print(f"           {sim / r['wall']:.1f} x faster than real time")
        r = run(model, args.ref_steps * 5.0, "numpy", 1, h0=0.01)
        report("storm", cells, r)


if __name__ == "__main__":
    main()
