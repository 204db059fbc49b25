"""Celery tasks of the floods app: thin wrappers over services, safe to deliver twice."""

from celery import shared_task

from . import inundation


@shared_task(name="floods.run_inundation")
def run_inundation(run_id: int) -> str:
    """Compute an inundation run. A second delivery of the same task finds the run
    already claimed (or finished) and does nothing."""
    run = inundation.inundation_claim(run_id)
    if run is None:
        return "skipped"
    return inundation.inundation_execute(run).status
