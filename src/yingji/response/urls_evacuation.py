"""Pages of evacuation (人员转移) and shelters (避灾安置场所)."""

from django.urls import path

from ..core.ui import private
from . import views_evacuation as views

urlpatterns = [
    path("response/evacuation/", private(views.evacuation_home), name="evacuation_home"),
    path("response/evacuation/households/", private(views.evacuation_households), name="evacuation_households"),
    path("response/evacuation/households/<int:id>/", private(views.household_detail), name="evacuation_household"),
    path("response/evacuation/households/<int:id>/act/", private(views.household_act),
         name="evacuation_household_act"),
    path("response/evacuation/import/", private(views.household_import), name="evacuation_import"),
    path("response/evacuation/quick-report/", private(views.quick_report), name="evacuation_quick_report"),
    path("response/shelters/", private(views.shelter_list), name="shelter_list"),
    path("response/shelters/<int:id>/", private(views.shelter_detail), name="shelter_detail"),
]
