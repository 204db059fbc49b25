"""The insurance app's heartbeat: rain triggers on new observations."""

from yingji.core.scheduler import register_tick

from .services import evaluate_new_rain

register_tick("insurance.rain_triggers", evaluate_new_rain, every_seconds=5)
