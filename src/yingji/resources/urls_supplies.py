"""Pages of supplies (应急物资): warehouses, stock, the ledger, shortfalls, expiry, import."""

from django.urls import path

from ..core.ui import private
from . import views_supplies as views

urlpatterns = [
    path("resources/warehouses/", private(views.warehouse_list), name="warehouse_list"),
    path("resources/warehouses/<int:id>/", private(views.warehouse_detail), name="warehouse_detail"),
    path("resources/warehouses/movement/", private(views.movement_form), name="stock_movement_form"),
    path("resources/warehouses/adjustments/<int:id>/decide/", private(views.adjustment_decide),
         name="stock_adjustment_decide"),
    path("resources/warehouses/stock/", private(views.stock_list), name="stock_list"),
    path("resources/warehouses/shortfalls/", private(views.shortfall_list), name="stock_shortfalls"),
    path("resources/warehouses/expiry/", private(views.expiry_list), name="stock_expiry"),
    path("resources/warehouses/import/", private(views.stock_import), name="stock_import"),
]
