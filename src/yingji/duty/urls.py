"""Pages of the app (mounted at the site root: keep paths under their own prefix)."""

urlpatterns = []
