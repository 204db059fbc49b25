"""URLs of the UI. Every page but login needs a logged-in user, and turns domain
errors into 404/403/400 pages (`core.ui.private`): decided here once, not per view."""

from django.contrib.auth import views as auth_views
from django.urls import path

from ..core.ui import private
from .views import account, enterprises, home, regions

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", private(home.home), name="home"),
    path("account/tokens/", private(account.token_list), name="token_list"),
    path("account/tokens/<int:id>/revoke/", private(account.token_revoke), name="token_revoke"),
    path("regions/", private(regions.region_root), name="region_root"),
    path("regions/<str:code>/", private(regions.region_detail), name="region_detail"),
    path("enterprises/", private(enterprises.enterprise_list), name="enterprise_list"),
    path("enterprises/export.<str:fmt>", private(enterprises.enterprise_export), name="enterprise_export"),
    path("enterprises/import/", private(enterprises.enterprise_import), name="enterprise_import"),
    path("imports/rejected/<uuid:token>.<str:fmt>", private(enterprises.import_rejects), name="import_rejects"),
    path("enterprises/<int:id>/", private(enterprises.enterprise_detail), name="enterprise_detail"),
    path("enterprises/<int:id>/edit/", private(enterprises.enterprise_edit), name="enterprise_edit"),
]
