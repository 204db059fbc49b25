"""Pages of the floods app (mounted at the site root: keep paths under their own prefix)."""

from django.contrib.auth.decorators import login_required
from django.urls import path

from ..web.errors import page
from . import views

urlpatterns = [
    path("floods/", login_required(page(views.flood_home)), name="flood_home"),
]
