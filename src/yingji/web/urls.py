"""URLs of the UI. Every page but login needs a logged-in user, and turns domain
errors into 404/403/400 pages (`core.ui.private`): decided here once, not per view."""

from django.contrib.auth import views as auth_views
from django.urls import path

from ..core.ui import private
from .views import account, audit, enterprises, home, organizations, people, regions

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
    # Management pages (people and duties, organizations, the audit log).
    path("enterprises/new/", private(enterprises.enterprise_new), name="enterprise_new"),
    path("people/", private(people.person_list), name="person_list"),
    path("people/new/", private(people.person_new), name="person_new"),
    path("people/import/", private(people.people_import_page), name="people_import"),
    path("people/import/template.<str:fmt>", private(people.people_template), name="people_template"),
    path("people/<int:id>/", private(people.person_detail), name="person_detail"),
    path("people/<int:id>/edit/", private(people.person_edit), name="person_edit"),
    path("duties/<int:id>/remove/", private(people.duty_remove), name="duty_remove"),
    path("organizations/", private(organizations.organization_list), name="organization_list"),
    path("organizations/new/", private(organizations.organization_new), name="organization_new"),
    path("organizations/<int:id>/", private(organizations.organization_detail), name="organization_detail"),
    path("organizations/<int:id>/edit/", private(organizations.organization_edit), name="organization_edit"),
    path("audit/", private(audit.audit_list), name="audit_list"),
]
