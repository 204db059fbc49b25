"""The last mile's heartbeat: hand new warning versions to terminals, the cell
broadcast and devices, and retry devices that did not acknowledge."""

from yingji.core.scheduler import register_tick

from .services.lastmile import lastmile_tick

register_tick("response.lastmile_tick", lastmile_tick, every_seconds=10)
