"""Video drills whose time has come are started: their nodes called (timers are rows)."""

from yingji.core.scheduler import register_tick

from .services.videodrills import start_due_drills

register_tick("resources.start_video_drills", start_due_drills, every_seconds=20)
