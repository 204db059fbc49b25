"""Pages of the one map."""

from django.urls import path

from ..core.ui import private
from . import views_map

urlpatterns = [
    path("map/", private(views_map.command_map), name="command_map"),
]
