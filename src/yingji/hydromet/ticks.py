"""hydromet's heartbeat: drop the observation batches every consumer has processed."""

from yingji.core.scheduler import register_tick

from .handoff import prune

register_tick("hydromet.prune_batches", prune, every_seconds=3600)
