"""The Celery application. Without BROKER_URL tasks run eagerly, in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "yingji.settings")

app = Celery("yingji")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
