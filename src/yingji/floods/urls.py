"""Pages of the floods app (mounted at the site root: keep paths under their own prefix)."""

from django.contrib.auth.decorators import login_required
from django.urls import path

from ..web.errors import page
from . import views, views_inundation

urlpatterns = [
    path("floods/", login_required(page(views.flood_home)), name="flood_home"),
    path("floods/inundation/", login_required(page(views_inundation.inundation_list)), name="inundation_list"),
    path("floods/inundation/<int:id>/", login_required(page(views_inundation.inundation_detail)),
         name="inundation_detail"),
]
