"""Pages of the insurance app (mounted at the site root: keep paths under their own
prefix). Like the web app's pages, each needs a logged-in user and turns domain errors
into 404/403/400 pages."""

from django.urls import path

from ..core.ui import private
from . import views

urlpatterns = [
    path("policies/", private(views.policy_list), name="policy_list"),
    path("policies/<int:id>/", private(views.policy_detail), name="policy_detail"),
    path("policies/<int:id>/backtest/", private(views.policy_backtest), name="policy_backtest"),
    path("policies/<int:id>/live/", private(views.policy_live), name="policy_live"),
    path("policies/claims/", private(views.claim_list), name="claim_list"),
    path("policies/claims/<int:id>/verify/", private(views.claim_verify), name="claim_verify"),
    path("policies/claims/<int:id>/pay/", private(views.claim_pay), name="claim_pay"),
    path("typhoons/", private(views.storm_list), name="storm_list"),
    path("typhoons/<int:id>/", private(views.storm_detail), name="storm_detail"),
]
