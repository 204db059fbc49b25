"""The hazardous-chemical app's ticks: the nightly set-based reconciliation of every flow
row (findings a licence entered late or an enterprise registered late reveal)."""

from yingji.core.scheduler import register_tick

from .services import reconcile_all

register_tick("hazchem.reconcile_all", reconcile_all, every_seconds=24 * 3600)
