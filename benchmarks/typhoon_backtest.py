"""Time of the full 1949-2024 typhoon backtest for Taizhou's circle (issue 5).

    .venv/bin/python benchmarks/typhoon_backtest.py [--tracks DIR] [--repeat N]

Prints the time to parse the 76 CMA files, and the best of N backtests over every
storm with official fixes only and with positions interpolated every 10 minutes.
"""

import argparse
import time
from pathlib import Path

from yingji.insurance.backtest import backtest
from yingji.insurance.policy_yaml import TyphoonSpec
from yingji.kernels.besttrack import parse_paths

# The shared data lie beside the repository (<repo>/../shared), as for the tests (tests/conftest.py).
SHARED = Path(__file__).resolve().parents[2] / "shared"
TAIZHOU = TyphoonSpec(lon=121.1167, lat=28.65, radius_km=85.0,
                      payouts={12: 10e6, 13: 20e6, 14: 40e6, 15: 70e6, 16: 110e6, 17: 175e6})


def best_of(repeat, fn):
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return min(times), result


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tracks", type=Path, default=SHARED / "data" / "typhoon" / "cma-besttrack")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    t_parse, parsed = best_of(args.repeat, lambda: parse_paths([args.tracks]))
    print(f"parse: {len(parsed.storms)} storms, {parsed.record_count} fixes, "
          f"{len(parsed.issues)} issues in {t_parse:.3f} s")
    for interpolate in (False, True):
        t, result = best_of(args.repeat, lambda i=interpolate: backtest(parsed.storms, TAIZHOU, interpolate=i))
        label = "interpolated (10 min)" if interpolate else "official fixes only"
        print(f"backtest, {label:<22}: {t:.3f} s, {len(result.triggers)} triggers over {result.years} seasons, "
              f"annual average RMB {result.annual_average:,.0f}")


if __name__ == "__main__":
    main()
