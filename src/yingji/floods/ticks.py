"""The floods app's heartbeat: new rain at risk points, new stage at sections, then the warnings of new alerts."""

from yingji.core.scheduler import register_tick

from .services import evaluate_new_observations, evaluate_new_stage, issue_pending_warnings

register_tick("floods.rain_at_risk_points", evaluate_new_observations, every_seconds=5)
register_tick("floods.stage_at_sections", evaluate_new_stage, every_seconds=5)
register_tick("floods.issue_warnings", issue_pending_warnings, every_seconds=5)
