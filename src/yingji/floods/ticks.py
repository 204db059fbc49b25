"""The floods app's heartbeat: new rain at risk points, new stage at sections, then the warnings of new alerts;
queued inundation runs in the embedded default (floods.background)."""

from yingji.core.scheduler import register_tick

from .background import run_queued_inundation
from .services import evaluate_new_observations, evaluate_new_stage, issue_pending_warnings

register_tick("floods.rain_at_risk_points", evaluate_new_observations, every_seconds=5)
register_tick("floods.stage_at_sections", evaluate_new_stage, every_seconds=5)
register_tick("floods.issue_warnings", issue_pending_warnings, every_seconds=5)
register_tick("floods.inundation_runs", run_queued_inundation, every_seconds=2)

# Forecast rain from the weather bureau (flood-storms): the folder feed, then the due batches.
from .services.forecast_rain import evaluate_due_rain_forecasts  # noqa: E402
from .services.rain_feed import scan_feed_folder  # noqa: E402

register_tick("floods.rain_feed_folder", scan_feed_folder, every_seconds=60)
register_tick("floods.rain_forecasts", evaluate_due_rain_forecasts, every_seconds=10)
