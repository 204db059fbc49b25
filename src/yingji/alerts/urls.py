"""Pages of the alerts app (mounted at the site root: paths under /warnings/, and
the public acknowledgement link /ack/<token>)."""

from django.urls import path

from ..core.ui import page, private
from . import views

urlpatterns = [
    path("warnings/", private(views.warning_list), name="warning_list"),
    path("warnings/new/", private(views.warning_issue), name="warning_issue"),
    path("warnings/report/", private(views.callup_report), name="callup_report"),
    path("warnings/report.xlsx", private(views.callup_report_export), name="callup_report_export"),
    path("warnings/<int:id>/", private(views.warning_detail), name="warning_detail"),
    path("warnings/<int:id>/board/", private(views.warning_board), name="warning_board"),
    path("warnings/<int:id>/board.xlsx", private(views.warning_board_export), name="warning_board_export"),
    path("warnings/<int:id>/cancel/", private(views.warning_cancel), name="warning_cancel"),
    # Public: the person called has no account; the signed token is bound to them.
    path("ack/<str:token>", page(views.acknowledge), name="ack"),
]
