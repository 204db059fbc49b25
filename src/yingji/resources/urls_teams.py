"""Pages of teams and stations (under /resources/)."""

from django.urls import path

from ..core.ui import private
from . import views_teams

urlpatterns = [
    path("resources/", private(views_teams.resources_home), name="resources_home"),
    path("resources/teams/", private(views_teams.team_list), name="team_list"),
    path("resources/teams/<int:id>/", private(views_teams.team_detail), name="team_detail"),
    path("resources/teams/shortfalls/", private(views_teams.shortfall_list), name="team_shortfalls"),
    path("resources/stations/", private(views_teams.station_list), name="rescue_station_list"),
    path("resources/stations/map.json", private(views_teams.station_map), name="rescue_station_map"),
]
