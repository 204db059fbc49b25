"""Pages of the floods app (mounted at the site root: keep paths under their own prefix)."""

urlpatterns = []
