"""Dispatches not acknowledged by their deadline are escalated, once."""

from yingji.core.scheduler import register_tick

from .services.dispatch import escalate_due_dispatches

register_tick("resources.escalate_dispatches", escalate_due_dispatches, every_seconds=30)
