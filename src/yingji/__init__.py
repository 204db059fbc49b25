"""Yingji (应急): one platform for a provincial emergency-management system."""

from .celery import app as celery_app

__all__ = ["celery_app"]
