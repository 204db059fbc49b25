"""Weather and hydrological stations (测站) and their observations (rain, stage).

Shared by floods and insurance. In short:

- write: `services.ingest(by=, readings=[{"station", "quantity", "time", "value"
  [, "interval_minutes"]}], source=)` → `IngestReport` (CSV: `yingji import-observations`,
  API: `POST /api/observations`, MQTT: `yingji ingest-mqtt`); stations:
  `yingji import-stations [FILE]`.
- react: `services.register_listener(fn)` from your AppConfig.ready(); `fn(observations)`
  runs after each committed batch with the newly stored observations.
- read: `selectors.rain_series(codes, start, end)` → {code: Series(times, mm)} over
  (start, end]; `selectors.rain_totals(codes, end, hours)`; `selectors.latest(station)`;
  `selectors.station_list(scope, ...)`.
"""
