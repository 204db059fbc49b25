"""Every write of stations and observations.

Observations arrive by CSV, API and MQTT, all through `ingest`, which checks each
reading, stores the good ones in bulk and reports every other one with its reason:
nothing is stored or dropped silently. Other apps (floods, insurance) learn of new
observations from the `ObservationBatch` row written with them (see `handoff`): they
act on it in their own scheduler ticks, never in the ingesting request.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from ..core import audit
from ..core.errors import DomainError
from ..core.models import Region
from ..core.scope import Scope
from ..core.services import save_audited
from . import handoff
from .choices import Quality, StationKind
from .geography import city_code_at
from .handoff import NewObservation, consume  # for consumers: apps reach hydromet through services
from .models import Observation, Station
from .readings import BadReading, Reading, parse_number, parse_reading

__all__ = ["NewObservation", "consume", "import_stations", "ingest", "station_save"]


# Ingestion ---------------------------------------------------------------------

LOOKUP_CHUNK = 500  # times per existence query: well under every database's parameter limit
UNKNOWN_STATION = "测站不存在或不在管辖范围内 / Unknown station or outside your jurisdiction"


@dataclass
class Problem:
    index: int  # position in the submitted list (0-based); importers map it to a line
    station: str
    reason: str


@dataclass
class IngestReport:
    """What happened to each reading of a batch: stored (`accepted`, some of them
    `flagged` suspect, some with `notes`), already stored (`duplicates`), or `rejected`."""

    submitted: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: list[Problem] = field(default_factory=list)
    flagged: list[Problem] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list, repr=False)

    def summary(self) -> str:
        return (f"接收 {self.accepted} 条（其中可疑 {len(self.flagged)}），重复 {self.duplicates}，"
                f"拒收 {len(self.rejected)} / accepted {self.accepted} ({len(self.flagged)} suspect), "
                f"duplicates {self.duplicates}, rejected {len(self.rejected)}")


def ingest(*, by, readings: list, source: str, now=None) -> IngestReport:
    """Check and store a batch of readings (dicts, see `readings.parse_reading`).

    `by` is the user (None: the system, e.g. the MQTT worker); an officer may ingest
    only for stations in their region. Exact duplicates (same station, quantity, time
    and value) are counted and ignored, so re-sending a batch is harmless; a different
    value for a stored time is rejected, never overwritten.

    Audit: ONE record per batch with its counts, not one per observation: millions of
    readings a year would drown the chain and make `audit verify` take hours, and the
    readings themselves are the stored rows.
    """
    scope = Scope.for_user(by)
    scope.require_officer()
    report = IngestReport(submitted=len(readings))
    parsed = _parse_all(readings, report, now or timezone.now())
    stations = _stations_in_scope(scope, {r.station for _, r in parsed})
    candidates = []
    for index, reading in parsed:
        if reading.station in stations:
            candidates.append((index, reading))
        else:
            report.rejected.append(Problem(index, reading.station, UNKNOWN_STATION))
    new = _classify(candidates, stations, report)
    with transaction.atomic():
        # ignore_conflicts: a row stored by a concurrent batch since the check above is
        # skipped, not an error (the same reading arriving twice at once).
        Observation.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
        report.accepted, report.observations = len(new), new
        if report.accepted or report.rejected:
            _audit_batch(by, scope, source, report, stations)
        if new:
            handoff.record_batch(new, source=source)  # last: it holds a lock until the commit
    report.rejected.sort(key=lambda p: p.index)
    return report


def _parse_all(readings: list, report: IngestReport, now) -> list[tuple[int, Reading]]:
    parsed = []
    for index, raw in enumerate(readings):
        try:
            parsed.append((index, parse_reading(raw, now=now)))
        except BadReading as exc:
            station = str(raw.get("station", "")) if isinstance(raw, dict) else ""
            report.rejected.append(Problem(index, station[:20], exc.reason))
    return parsed


def _stations_in_scope(scope: Scope, codes: set[str]) -> dict[str, Station]:
    qs = scope.filter(Station.objects.filter(code__in=codes))
    return {s.code: s for s in qs.select_related("region")}


def _classify(candidates, stations, report: IngestReport) -> list[Observation]:
    """Sort checked readings into new rows, duplicates and conflicts."""
    stored = _stored_values(candidates, stations)
    latest = _latest_times(stations.values())
    seen: dict[tuple, float] = {}
    new = []
    for index, r in candidates:
        station = stations[r.station]
        key = (station.pk, int(r.quantity), r.time)
        prior = seen[key] if key in seen else stored.get(key)
        if prior is not None:
            if prior == r.value:
                report.duplicates += 1
            else:
                report.rejected.append(Problem(index, r.station, (
                    f"该时间已有不同数值 {prior:g}，不予覆盖 / "
                    f"a different value ({prior:g}) exists for this time; not overwritten")))
            continue
        seen[key] = r.value
        new.append(_observation(station, r))
        if r.suspect_reason:
            report.flagged.append(Problem(index, r.station, r.suspect_reason))
        last = latest.get((station.pk, int(r.quantity)))
        if last is not None and r.time < last:
            report.notes.append(Problem(index, r.station, (
                f"早于该站最新观测 {timezone.localtime(last):%Y-%m-%d %H:%M}，作为迟到数据接收 / "
                f"older than the station's latest ({last.isoformat()}): accepted as late data")))
    return new


def _observation(station: Station, r: Reading) -> Observation:
    return Observation(
        station=station, quantity=r.quantity, time=r.time, value=r.value,
        interval_minutes=r.interval_minutes,
        quality=Quality.SUSPECT if r.suspect_reason else Quality.OK,
        reason=r.suspect_reason[:200],
    )


def _stored_values(candidates, stations) -> dict[tuple, float]:
    """Values already stored at the batch's (station, quantity, time) keys."""
    wanted: dict[tuple, set] = {}
    for _, r in candidates:
        wanted.setdefault((stations[r.station].pk, int(r.quantity)), set()).add(r.time)
    stored = {}
    for (station_id, quantity), times in wanted.items():
        times = sorted(times)
        for i in range(0, len(times), LOOKUP_CHUNK):
            rows = Observation.objects.filter(
                station_id=station_id, quantity=quantity, time__in=times[i:i + LOOKUP_CHUNK],
            ).values_list("time", "value")
            stored.update({(station_id, quantity, t): v for t, v in rows})
    return stored


def _latest_times(stations: Iterable[Station]) -> dict[tuple, object]:
    rows = (Observation.objects.filter(station__in=list(stations))
            .values("station_id", "quantity").annotate(last=Max("time")))
    return {(row["station_id"], row["quantity"]): row["last"] for row in rows}


def _audit_batch(by, scope: Scope, source: str, report: IngestReport, stations) -> None:
    used = sorted({o.station.code for o in report.observations})
    regions = [stations[c].region_id for c in used] or [scope.region_code or ""]
    times = [o.time for o in report.observations]
    audit.record(
        actor=by, action="ingest", object_type="hydromet.observation", object_id=source[:60],
        region_code=_common_region(regions),
        after={
            "source": source, "submitted": report.submitted, "accepted": report.accepted,
            "duplicates": report.duplicates, "rejected": len(report.rejected),
            "flagged": len(report.flagged), "stations": used[:200],
            "first_time": min(times) if times else None, "last_time": max(times) if times else None,
        },
    )


# TODO: core region-code module (another branch is writing one; this is its stand-in).
REGION_CODE_LENGTHS = (2, 4, 6, 9, 12, 15)  # province, city, county, township, village, grid


def _common_region(codes: list[str]) -> str:
    """The smallest region containing every code: their common prefix cut back to a
    real level (331081 and 331082 share "33108", which is no region: 3310 is)."""
    common = codes[0] if codes else ""
    for code in codes[1:]:
        n = 0
        while n < min(len(common), len(code)) and common[n] == code[n]:
            n += 1
        common = common[:n]
    return max((common[:n] for n in REGION_CODE_LENGTHS if n <= len(common)), key=len, default="")


# Stations ------------------------------------------------------------------------

STATION_COLUMNS = {
    "code": ("code", "site", "station", "站号"),
    "name": ("name", "站名"),
    "longitude": ("longitude", "lon", "经度"),
    "latitude": ("latitude", "lat", "纬度"),
    "altitude": ("altitude", "alt", "海拔"),
    "region_code": ("region_code", "region", "区划代码"),
    "kind": ("kind", "类型"),
    "source": ("source", "来源"),
}
PROVINCE = "33"


@dataclass
class StationImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict] = field(default_factory=list)  # {"row", "code", "message"}

    def summary(self) -> str:
        return (f"测站：新增 {self.created}，更新 {self.updated}，未变 {self.unchanged}，"
                f"拒收 {len(self.errors)} / stations: {self.created} created, {self.updated} updated, "
                f"{self.unchanged} unchanged, {len(self.errors)} rejected")


def import_stations(*, by, rows: Iterable[dict], default_kind: str = StationKind.RAIN,
                    default_source: str = "") -> StationImportReport:
    """Create or update stations by code from rows of a station CSV (columns of
    STATION_COLUMNS; the header is row 1). Idempotent: a second run changes nothing
    and writes no audit record. Each row stands alone; bad rows are reported."""
    scope = Scope.for_user(by)
    scope.require_officer()
    report = StationImportReport()
    for number, row in enumerate(rows, start=2):
        fields = {name: _column(row, aliases) for name, aliases in STATION_COLUMNS.items()}
        try:
            outcome = _upsert_station(by, scope, fields, default_kind, default_source)
        except DomainError as exc:
            report.errors.append({"row": number, "code": fields["code"], "message": f"{exc.zh} / {exc.en}"})
            continue
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def station_save(*, by, station: Station, before: dict | None) -> Station:
    """Save a station edited in the admin, audited, within the editor's region."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(station.region_id)
    with transaction.atomic():
        return save_audited(station, by=by, action="create" if before is None else "update",
                            before=before, region_code=station.region_id)


def station_create(*, by, **fields) -> Station:
    """Register one station from a form: the same checks as a row of the station
    import (`fields` keyed as STATION_COLUMNS), and a code not yet registered."""
    scope = Scope.for_user(by)
    scope.require_officer()
    if Station.objects.filter(code=str(fields.get("code", "")).strip()).exists():
        raise DomainError("站号已登记", "A station with this code is already registered",
                          fields={"code": "重复 / duplicate"})
    _upsert_station(by, scope, _as_text(fields), StationKind.RAIN, "", form=True)
    return Station.objects.get(code=str(fields["code"]).strip())


def station_update(*, by, station: Station, **fields) -> Station:
    """Change one station from a form (its code stays), with the import's checks."""
    scope = Scope.for_user(by)
    scope.require_officer()
    scope.require_region(station.region_id)
    _upsert_station(by, scope, _as_text({**fields, "code": station.code}), station.kind, "", form=True)
    station.refresh_from_db()
    return station


def _as_text(fields: dict) -> dict:
    return {name: "" if fields.get(name) is None else str(fields[name]).strip() for name in STATION_COLUMNS}


def _column(row: dict, aliases: tuple) -> str:
    lowered = {str(k).strip().lower(): v for k, v in row.items() if k is not None}
    for name in aliases:
        value = lowered.get(name)
        if value is not None and str(value).strip():
            return str(value).strip()
    return ""


def _upsert_station(by, scope: Scope, f: dict, default_kind: str, default_source: str, *,
                    form: bool = False) -> str:
    data = _station_data(f, default_kind, default_source)
    scope.require_region(data["region_id"])
    station = Station.objects.filter(code=data["code"]).first()
    before = audit.snapshot(station) if station else None
    if station is not None:
        scope.require_region(station.region_id)  # moving another county's station is writing there
    else:
        station = Station()
    for name, value in data.items():
        setattr(station, name, value)
    if before is not None and audit.snapshot(station) == before:
        return "unchanged"
    with transaction.atomic():
        action = ("create" if before is None else "update") if form else "import"
        save_audited(station, by=by, action=action, before=before, region_code=station.region_id)
    return "created" if before is None else "updated"


def _station_data(f: dict, default_kind: str, default_source: str) -> dict:
    if not f["code"] or len(f["code"]) > 20:
        raise DomainError("站号必填，最长 20 位", "Code is required, at most 20 characters",
                          fields={"code": "无效 / invalid"})
    if not f["name"]:
        raise DomainError("站名必填", "Name is required", fields={"name": "必填 / required"})
    try:
        lon = parse_number(f["longitude"], "经度", "longitude")
        lat = parse_number(f["latitude"], "纬度", "latitude")
        alt = parse_number(f["altitude"], "海拔", "altitude") if f["altitude"] else None
    except BadReading as exc:
        zh, en = exc.reason.split(" / ", 1)
        raise DomainError(zh, en) from None
    if not (73 <= lon <= 136 and 3 <= lat <= 54):
        raise DomainError("经纬度不在中国范围内", "Coordinates are outside China",
                          fields={"longitude": "超出范围 / out of range", "latitude": "超出范围 / out of range"})
    kind = f["kind"] or default_kind
    if kind not in StationKind.values:
        raise DomainError("测站类型无效", f"Unknown kind; one of {', '.join(StationKind.values)}",
                          fields={"kind": "无效 / invalid"})
    return {"code": f["code"], "name": f["name"][:100], "longitude": lon, "latitude": lat,
            "altitude": alt, "kind": kind, "source": (f["source"] or default_source)[:100],
            "region_id": _region_for(f["region_code"], lon, lat)}


def _region_for(code: str, lon: float, lat: float) -> str:
    """The given region, or the city containing the point, or the province."""
    if code:
        if not Region.objects.filter(pk=code).exists():
            raise DomainError(f"区划 {code} 不存在", f"Region {code} does not exist",
                              fields={"region_code": "不存在 / not found"})
        return code
    city = city_code_at(lon, lat)
    return city if city and Region.objects.filter(pk=city).exists() else PROVINCE
