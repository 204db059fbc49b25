"""Pages of response levels and their tasks."""

from django.urls import path

from ..core.ui import page, private
from . import views_levels

urlpatterns = [
    path("response/", private(views_levels.response_home), name="response_home"),
    path("response/levels/<int:id>/", private(views_levels.level_detail), name="response_level_detail"),
    path("response/levels/<int:id>/map.json", private(views_levels.level_map), name="response_level_map"),
    path("response/levels/<int:id>/risk-rounds/", private(views_levels.level_risk_rounds),
         name="response_level_risk_rounds"),
    path("response/levels/<int:id>/change/", private(views_levels.level_change), name="response_level_change"),
    path("response/my/", private(views_levels.my_tasks), name="response_my_tasks"),
    path("response/tasks/<int:id>/confirm/", private(views_levels.task_confirm), name="response_task_confirm"),
    # Public: the owner of a task confirms from the SMS link; the signed token is bound to them.
    path("response/t/<str:token>", page(views_levels.task_link), name="response_task_link"),
]
