"""Pages of the app (mounted at the site root: keep paths under their own prefix)."""

urlpatterns = []

from .urls_evacuation import urlpatterns as evacuation_urls  # noqa: E402

urlpatterns += evacuation_urls
