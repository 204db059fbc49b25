"""`yingji insurance SUBCOMMAND ...`: parametric catastrophe insurance from the shell.

Offline (no database): ``backtest``, ``map`` and ``evaluate-rain``. With the
database: ``import-tracks``, ``load-policy``, ``replay`` and ``demo``.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ....core import tabular
from ...backtest import backtest, format_table
from ...policy_yaml import PolicyFileError, load_policy_file
from ...rain import evaluate_rain, read_observations


class Command(BaseCommand):
    help = ("Parametric catastrophe insurance (巨灾保险): backtest, map, evaluate-rain, import-tracks, load-policy, "
            "replay, demo.")

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        p = sub.add_parser("backtest", help="run a policy's typhoon trigger over CMA best-track files")
        p.add_argument("policy", type=Path)
        p.add_argument("--tracks", type=Path, required=True, nargs="+", help="CMA files or directories")
        p.add_argument("--interpolate", action="store_true", default=None,
                       help="interpolate positions in time (default: the policy's choice)")
        p.add_argument("--format", choices=["table", "json"], default="table")

        p = sub.add_parser("map", help="draw the circle and the triggering tracks of a backtest as a PNG")
        p.add_argument("policy", type=Path)
        p.add_argument("--tracks", type=Path, required=True, nargs="+", help="CMA files or directories")
        p.add_argument("--out", type=Path, required=True, help="the PNG file to write")
        p.add_argument("--interpolate", action="store_true", default=None,
                       help="interpolate positions in time (default: the policy's choice)")

        p = sub.add_parser("evaluate-rain", help="evaluate a policy's rain trigger over a CSV of observations")
        p.add_argument("policy", type=Path)
        p.add_argument("--observations", type=Path, required=True, help="CSV station,time,rain_mm")
        p.add_argument("--format", choices=["table", "json"], default="table")

        p = sub.add_parser("import-tracks", help="import CMA best-track files into the database (idempotent)")
        p.add_argument("paths", type=Path, nargs="+")

        p = sub.add_parser("load-policy", help="create or update a policy from its YAML file")
        p.add_argument("policy", type=Path)

        p = sub.add_parser("replay", help="recompute a trigger event from its stored inputs")
        p.add_argument("event_id", type=int)

        p = sub.add_parser("demo", help="the Taizhou 2023 demo policy with Lekima and a heavy rain (idempotent)")
        p.add_argument("--archive", type=Path, default=None,
                       help="CMA file of 2019 to import "
                            "(default: the shared archive's, else the built-in Lekima record)")

    def handle(self, *args, subcommand: str, **options):
        handler = getattr(self, "do_" + subcommand.replace("-", "_"))
        try:
            return handler(**options)
        except PolicyFileError as exc:
            raise CommandError(str(exc)) from exc

    # offline -------------------------------------------------------------------

    def do_backtest(self, *, policy, tracks, interpolate, format, **_):
        spec = load_policy_file(policy)
        if spec.typhoon is None:
            raise CommandError("保单没有台风触发条件 / The policy has no typhoon trigger")
        parsed = self._tracks(tracks)
        result = backtest(parsed.storms, spec.typhoon, interpolate=interpolate)
        if format == "json":
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
        else:
            self.stdout.write(format_table(result, spec.premium_typhoon))

    def do_map(self, *, policy, tracks, out, interpolate, **_):
        from ...mapping import backtest_map, save_png

        spec = load_policy_file(policy)
        if spec.typhoon is None:
            raise CommandError("保单没有台风触发条件 / The policy has no typhoon trigger")
        parsed = self._tracks(tracks)
        fig, result = backtest_map(spec.typhoon, parsed.storms, interpolate=interpolate, name=spec.name)
        try:
            save_png(fig, out)
        except OSError as exc:
            raise CommandError(f"无法写入 / Cannot write {out}: {exc}") from exc
        self.stdout.write(f"{out}: {len(result.triggers)} 个触发台风 / triggering storms, "
                          f"{result.first_year}-{result.last_year}")

    def _tracks(self, paths):
        """The storms of the CMA best-track files at `paths` (files, or folders of *.txt),
        warnings on stderr; no storm at all is an error, not a backtest of 0 years."""
        from ....kernels.besttrack import parse_paths

        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"路径不存在 / No such path: {', '.join(missing)}")
        parsed = parse_paths(paths)
        for issue in parsed.issues:
            self.stderr.write(f"注意 / warning: {issue}")
        if not parsed.storms:
            names = ", ".join(str(p) for p in paths)
            raise CommandError(f"--tracks：在 {names} 中未找到台风路径（CMA 最佳路径 *.txt 文件）/ "
                               f"--tracks: no best-track storm found in {names} (CMA best-track *.txt files)")
        return parsed

    def do_evaluate_rain(self, *, policy, observations, format, **_):
        spec = load_policy_file(policy)
        if spec.rain is None:
            raise CommandError("保单没有降雨触发条件 / The policy has no rain trigger")
        try:
            content = observations.read_bytes()
            tabular.check_size(len(content), tabular.Limits.from_settings(
                max_bytes=settings.YINGJI_IMPORT_MAX_OBSERVATION_BYTES))
            text = tabular.decode(content, tabular.UTF8_ONLY)
        except OSError as exc:
            raise CommandError(f"无法读取观测文件 / Cannot read {observations}: {exc}") from exc
        except tabular.FileRejected as exc:
            raise CommandError(f"{exc.zh} / {exc.en}") from exc
        series, rejected = read_observations(text)
        triggers = evaluate_rain(series, spec.rain)
        if format == "json":
            out = {"triggers": [t.as_json() for t in triggers], "rejected_rows": [r.as_json() for r in rejected]}
            self.stdout.write(json.dumps(out, ensure_ascii=False, indent=2))
            return
        for r in rejected:
            self.stderr.write(f"第 {r.line} 行 / line {r.line}: {r.reason}")
        self.stdout.write(f"{'county':<8} {'station':<10} {'window start':<26} {'window end':<26} "
                          f"{'total mm':>9} {'payout':>12}")
        for t in triggers:
            row = t.as_json()  # times in China Standard Time
            self.stdout.write(f"{t.county:<8} {t.station:<10} {row['window_start']:<26} "
                              f"{row['window_end']:<26} {t.total_mm:>9.1f} {t.payout:>12,.0f}")
        self.stdout.write(f"触发 / triggers: {len(triggers)}; 拒收行 / rejected rows: {len(rejected)}")

    # with the database -----------------------------------------------------------

    def do_import_tracks(self, *, paths, **_):
        from ... import services

        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"路径不存在 / No such path: {', '.join(missing)}")
        report = services.import_tracks(by=None, paths=paths)
        for issue in report["issues"]:
            self.stderr.write(f"注意 / warning: {issue}")
        if not (report["created"] or report["updated"] or report["unchanged"]):
            raise CommandError(f"未找到台风路径（CMA 最佳路径 *.txt 文件）/ no best-track storm found in "
                               f"{', '.join(str(p) for p in paths)}")
        self.stdout.write(f"storms created {report['created']}, updated {report['updated']}, "
                          f"unchanged {report['unchanged']}; positions {report['positions']}")

    def do_load_policy(self, *, policy, **_):
        from ... import services

        spec = load_policy_file(policy)
        try:
            row, created = services.policy_load(by=None, spec=spec)
        except Exception as exc:  # DomainError / ValidationError: a readable line, not a trace
            raise CommandError(_reason(exc)) from exc
        self.stdout.write(f"{'created' if created else 'updated'} policy {row.pk}: {row.name}")

    def do_replay(self, *, event_id, **_):
        from ....core.errors import NotFound
        from ... import services

        try:
            replay = services.event_replay(event_id=event_id)
        except NotFound as exc:
            raise CommandError(f"事件不存在 / No trigger event {event_id}") from exc
        self.stdout.write(json.dumps(replay.as_json(), ensure_ascii=False, indent=2))
        if replay.agrees:
            self.stdout.write("结果一致 / the replay agrees with the stored result")
        else:
            self.stdout.write("结果不一致 / the replay DIFFERS from the stored result:")
            for key, (stored, now) in replay.differences.items():
                self.stdout.write(f"  {key}: stored {stored!r}, replayed {now!r}")

    def do_demo(self, *, archive, **_):
        from django.core.exceptions import ValidationError

        from ....core.errors import DomainError
        from ... import demo

        if archive is not None and not archive.is_file():
            raise CommandError(f"文件不存在 / No such file: {archive}")
        try:
            report = demo.load_demo_policy(archive=archive or demo.archive_2019())
        except (DomainError, ValidationError) as exc:  # a readable line, not a trace
            raise CommandError(_reason(exc)) from exc
        self.stdout.write(report.summary())


def _reason(exc: Exception) -> str:
    zh, en = getattr(exc, "zh", None), getattr(exc, "en", None)
    if zh:
        fields = getattr(exc, "fields", {}) or {}
        return f"{zh} / {en}" + "".join(f"\n  {k}: {v}" for k, v in fields.items())
    if hasattr(exc, "message_dict"):
        return "; ".join(f"{k}: {', '.join(v)}" for k, v in exc.message_dict.items())
    return str(exc)
