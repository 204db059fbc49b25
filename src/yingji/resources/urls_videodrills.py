"""Pages of video-dispatch drills and their nodes."""

from django.urls import path

from ..core.ui import private
from . import views_videodrills as views

urlpatterns = [
    path("resources/video-drills/", private(views.video_drill_list), name="video_drill_list"),
    path("resources/video-drills/<int:id>/", private(views.video_drill_detail), name="video_drill_detail"),
    path("resources/video-drills/<int:id>/<str:action>/", private(views.video_drill_action),
         name="video_drill_action"),
    path("resources/video-calls/<int:id>/", private(views.video_call_outcome), name="video_call_outcome"),
    path("resources/video-nodes/", private(views.video_node_list), name="video_node_list"),
    path("resources/video-nodes/<int:id>/", private(views.video_node_edit), name="video_node_edit"),
]
