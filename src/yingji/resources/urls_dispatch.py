"""Pages of dispatch (调度)."""

from django.urls import path

from ..core.ui import page, private
from . import views_dispatch as views

urlpatterns = [
    path("resources/dispatches/", private(views.dispatch_list), name="dispatch_list"),
    path("resources/dispatches/new/", private(views.dispatch_new), name="dispatch_new"),
    path("resources/dispatches/<int:id>/", private(views.dispatch_detail), name="dispatch_detail"),
    path("resources/dispatches/<int:id>/step/", private(views.dispatch_step), name="dispatch_step"),
    # Public: the team leader steps the order from the SMS link; the signed token is bound to them.
    path("resources/d/<str:token>", page(views.dispatch_link), name="dispatch_link"),
]
