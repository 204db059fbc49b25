"""Yingji (应急): one platform for a provincial emergency-management system.

Nothing is imported here, so that `yingji.kernels` stays usable without Django; the
Celery app is created when Django starts (`core.apps.CoreConfig.ready`), and
`celery -A yingji` finds it in `yingji.celery`.
"""
