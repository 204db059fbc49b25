"""Evacuation's tick: seal the new household steps into the audit chain, a batch at a time."""

from yingji.core.scheduler import register_tick

from .services.evacuation import seal_steps

register_tick("response.seal_household_steps", seal_steps, every_seconds=5)
