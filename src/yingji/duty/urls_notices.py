"""Pages of notices and consultations (added to the app's urls)."""

from django.urls import path

from ..core.ui import page, private
from . import views_notices as views

urlpatterns = [
    path("duty/notices/", private(views.notice_list), name="notice_list"),
    path("duty/notices/new/", private(views.notice_new), name="notice_new"),
    path("duty/notices/<int:id>/", private(views.notice_detail), name="notice_detail"),
    path("duty/notices/<int:id>/attachment", private(views.notice_attachment), name="notice_attachment"),
    # Public: the desk's officer answers from a phone; the signed token is bound to them.
    path("duty/notices/answer/<str:token>", page(views.notice_answer_link), name="notice_answer"),
    path("duty/consultations/", private(views.consultation_list), name="consultation_list"),
    path("duty/consultations/<int:id>/", private(views.consultation_detail), name="consultation_detail"),
]
