"""The floods app's heartbeat: new rain at risk points, then the warnings of new alerts;
queued inundation runs in the embedded default (floods.background)."""

from yingji.core.scheduler import register_tick

from .background import run_queued_inundation
from .services import evaluate_new_observations, issue_pending_warnings

register_tick("floods.rain_at_risk_points", evaluate_new_observations, every_seconds=5)
register_tick("floods.issue_warnings", issue_pending_warnings, every_seconds=5)
register_tick("floods.inundation_runs", run_queued_inundation, every_seconds=2)
