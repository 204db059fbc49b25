"""Shared fixtures: the real region tree, and one logged-in person per kind of scope.

The scopes mirror the demo: province admin, Taizhou city, Wenling and Linhai county
officers, and an enterprise user in Wenling.
"""

import importlib

import pytest
from django.apps import apps
from django.test import Client

from yingji.core.choices import OrganizationKind, Role
from yingji.core.models import ApiToken, Region
from yingji.core.services import import_official_regions

from .factories import EnterpriseFactory, OrganizationFactory, PersonFactory, UserFactory

WENLING, LINHAI, TAIZHOU = "331081", "331082", "3310"
WENLING_TOWN, LINHAI_TOWN = "331081001", "331082001"


# The data migrations that are safe to run twice (update_or_create, or a guard),
# in dependency order: duty kinds before the call-up policies that name them.
SEEDS = [("yingji.core.migrations.0002_duty_kinds", "add_kinds"),
         ("yingji.floods.migrations.0002_risk_point_kinds", "add_kinds"),
         ("yingji.alerts.migrations.0002_default_policies", "add_policies")]


@pytest.fixture(autouse=True)
def migration_data(request):
    """A transactional test ends by emptying every table, the rows the data
    migrations wrote included, and a later one would then miss the duty kinds and
    the default call-up policies. Each transactional test starts by writing them
    again (so the order the tests run in does not matter)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is not None and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        for module, function in SEEDS:
            getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(autouse=True)
def audit_checkpoint_dir(settings, tmp_path_factory):
    """Each test its own audit checkpoint file, never the demo's under ./var."""
    settings.YINGJI_AUDIT_CHECKPOINT_DIR = tmp_path_factory.mktemp("audit")
    return settings.YINGJI_AUDIT_CHECKPOINT_DIR


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        import_official_regions()


@pytest.fixture
def regions(db):
    """The official Zhejiang tree. Reloaded only if a transactional test emptied it."""
    if Region.objects.count() < 1489:
        import_official_regions()


def _person(username: str, region: str, role: str, **kw):
    user = UserFactory(username=username)
    return PersonFactory(user=user, region_id=region, role=role, **kw)


@pytest.fixture
def province_admin(regions):
    return _person("t-province", "33", Role.ADMIN)


@pytest.fixture
def taizhou_officer(regions):
    return _person("t-taizhou", TAIZHOU, Role.OFFICER)


@pytest.fixture
def wenling_officer(regions):
    return _person("t-wenling", WENLING, Role.OFFICER)


@pytest.fixture
def linhai_officer(regions):
    return _person("t-linhai", LINHAI, Role.OFFICER)


@pytest.fixture
def wenling_viewer(regions):
    return _person("t-wenling-viewer", WENLING, Role.VIEWER)


@pytest.fixture
def wenling_enterprise(regions):
    return EnterpriseFactory(region_id=WENLING_TOWN)


@pytest.fixture
def linhai_enterprise(regions):
    return EnterpriseFactory(region_id=LINHAI_TOWN)


@pytest.fixture
def enterprise_user(wenling_enterprise):
    org = OrganizationFactory(name=wenling_enterprise.name, kind=OrganizationKind.ENTERPRISE,
                              region_id=wenling_enterprise.region_id)
    wenling_enterprise.organization = org
    wenling_enterprise.save()
    return _person("t-enterprise", wenling_enterprise.region_id, Role.ENTERPRISE, organization=org)


class ApiClient(Client):
    """A test client that sends a bearer token and JSON bodies."""

    def __init__(self, person=None, **kw):
        super().__init__(**kw)
        self.token = ApiToken.issue(person.user) if person else None

    def _headers(self, extra):
        headers = dict(extra.pop("headers", None) or {})
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers

    def get(self, path, data=None, **kw):
        return super().get(path, data, headers=self._headers(kw), **kw)

    def post(self, path, data=None, content_type="application/json", **kw):
        return super().post(path, data, content_type=content_type, headers=self._headers(kw), **kw)

    def patch(self, path, data=None, content_type="application/json", **kw):
        return super().patch(path, data, content_type=content_type, headers=self._headers(kw), **kw)

    def delete(self, path, data=None, **kw):
        return super().delete(path, data, headers=self._headers(kw), **kw)


@pytest.fixture
def api_as():
    """`api_as(person)` → a client authenticated as that person (None: anonymous)."""
    return ApiClient
