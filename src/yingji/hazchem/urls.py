"""Pages of the hazchem app (mounted at the site root, under /hazchem/)."""

from django.urls import path

from ..core.ui import private
from . import views

urlpatterns = [
    path("hazchem/", private(views.home), name="hazchem_home"),
    path("hazchem/flows/", private(views.flows), name="hazchem_flows"),
    path("hazchem/flows/import/", private(views.flows_import_page), name="hazchem_flows_import"),
    path("hazchem/licences/", private(views.licences), name="hazchem_licences"),
    path("hazchem/work-orders/", private(views.work_orders), name="hazchem_work_orders"),
    path("hazchem/work-orders/<int:id>/", private(views.work_order_detail), name="hazchem_work_order"),
]
