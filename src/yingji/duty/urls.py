"""Pages of the app (mounted at the site root: keep paths under their own prefix)."""

from .urls_reports import urlpatterns as info_report_urls

urlpatterns = [*info_report_urls]
