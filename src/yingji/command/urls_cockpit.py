"""Pages of the cockpit."""

from django.urls import path

from ..core.ui import private
from . import views_cockpit

urlpatterns = [
    path("cockpit/", private(views_cockpit.cockpit), name="cockpit"),
]
