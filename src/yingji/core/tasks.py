"""Celery tasks of the core: thin wrappers over services, safe to run twice."""

import logging

from celery import shared_task

from . import audit

log = logging.getLogger(__name__)


@shared_task(name="core.verify_audit_chain")
def verify_audit_chain() -> dict:
    """Recompute the audit chain (schedule it nightly): tampering is found by a machine,
    not only when someone thinks of running `yingji audit verify`."""
    result = audit.verify()
    if not result.ok:
        log.error("audit chain broken at seq %s: %s", result.broken_seq, result.reason)
    return {"ok": result.ok, "checked": result.checked, "broken_seq": result.broken_seq}
