"""Pages of the app (mounted at the site root: keep paths under their own prefix)."""

urlpatterns = []

from .urls_notices import urlpatterns as notices_urlpatterns  # noqa: E402

urlpatterns += notices_urlpatterns
