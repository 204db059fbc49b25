"""Weather and hydrological stations (测站) and their observations (rain, stage).

Shared by floods and insurance. In short:

- write: `services.ingest(by=, readings=[{"station", "quantity", "time", "value"
  [, "interval_minutes"]}], source=)` → `IngestReport` (CSV: `yingji import-observations`,
  API: `POST /api/observations`, MQTT: `yingji ingest-mqtt`); stations:
  `yingji import-stations [FILE]`.
- react: each stored batch also writes an `ObservationBatch` row in the same
  transaction; a consumer calls `services.consume(consumer="myapp", handle=fn)` from a
  scheduler tick (its `ticks.py`), and `fn(new_observations)` runs for every batch
  after the consumer's cursor, in the transaction that moves the cursor: nothing is
  lost in a crash, nothing is handled twice, and nothing heavy runs in the ingesting
  request or MQTT loop (see `handoff` for why a cursor by id cannot skip a row).
- read (every selector `(*, scope, ...)`): `selectors.rain_series(scope=, station_codes=,
  start=, end=)` → {code: Series(times, mm)} over (start, end];
  `selectors.rain_windows(scope=, station_codes=, ends=, hours=)`, the one home of rain
  windows (rain in (end - h, end] at many ends and windows from one read);
  `selectors.rain_totals(...)`; `selectors.latest(scope=, station=)`;
  `selectors.station_list(scope=, ...)`.
"""
