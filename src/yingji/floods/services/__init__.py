"""Every write of the floods app: risk points and their critical rainfall, sections,
stage forecasts, and the events and alerts raised by rain and by forecasts.

Two watchers raise alerts:

* Rain (临界雨量): `evaluate_new_observations` is this app's tick over hydromet's
  observation batches (a cursor per consumer, see `hydromet.handoff`). For every risk point
  whose gauges reported, the 1/3/6/24-hour totals at each new observation time are
  compared with its critical rainfall; the level reached opens or continues the
  point's flood event, and each level warns once per event. The event ends when every
  total is below every prepare level; a later crossing is a new event and warns again.
* Observed stage (实测水位) and scour (冲刷流速): see `stage`; a second cursor over
  the same batches (`evaluate_new_stage`), and the velocity of every forecast.
* Stage (预报水位): `forecast_section` runs the catchment model on observed plus
  forecast rain and compares the forecast stage with the section's warning and
  critical stages; a crossing warns with its lead time (预见期).

The FloodAlert row is the once-per-event guard (a unique constraint), the record of
what was raised, and the row the warning step claims: `issue_pending_warnings` (a
tick) issues its warning through `alerts.services.warning_issue` (type flash_flood;
move now → red, prepare → orange, see `choices.WARNING_COLOUR`), call-up included,
outside the transaction that evaluated the rain.

Split by subject (`places`, `rain`, `events`, `forecasts`, `stage`), re-exported here.
"""

from .events import issue_pending_warnings
from .forecasts import forecast_section, forecast_steps, hourly_rain, hourly_stage, observed_steps, section_calibrate
from .places import critical_rainfall_set, risk_point_create, section_create
from .rain import CONSUMER, evaluate_new_observations, evaluate_risk_point, level_reached, rain_at_risk_points
from .stage import (
    STAGE_CONSUMER,
    evaluate_new_stage,
    evaluate_section_stage,
    section_levels_set,
    stage_at_sections,
)

__all__ = [
    "CONSUMER", "critical_rainfall_set", "evaluate_new_observations", "evaluate_risk_point", "forecast_section",
    "forecast_steps", "hourly_rain", "hourly_stage", "issue_pending_warnings", "level_reached", "observed_steps",
    "rain_at_risk_points", "risk_point_create", "section_calibrate", "section_create",
    "STAGE_CONSUMER", "evaluate_new_stage", "evaluate_section_stage", "section_levels_set",
    "stage_at_sections",
]
