"""Pages of the insurance app (mounted at the site root: keep paths under their own prefix)."""

urlpatterns = []
