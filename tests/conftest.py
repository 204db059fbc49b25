"""Shared fixtures: the real region tree, and one logged-in person per kind of scope.

The scopes mirror the demo: province admin, Taizhou city, Wenling and Linhai county
officers, and an enterprise user in Wenling.
"""

import datetime as dt
import importlib
import os
import zoneinfo
from pathlib import Path

import pytest
from django.apps import apps
from django.test import Client

from yingji.core.choices import OrganizationKind, Role
from yingji.core.models import ApiToken, Region
from yingji.core.services import import_official_regions

from .factories import EnterpriseFactory, OrganizationFactory, PersonFactory, UserFactory

WENLING, LINHAI, TAIZHOU = "331081", "331082", "3310"
WENLING_TOWN, LINHAI_TOWN = "331081001", "331082001"


# -- Prerequisites: the shared data, Chromium -------------------------------------------------
# The data sets the tests read (CMA best tracks, LISFLOOD-FP cases) live beside the
# repository, in ../shared, not in it. On a developer's machine a test whose data or
# tool is missing is skipped; in CI (CI=true) it fails, for a skip there would hide it.

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing_prerequisite(reason: str):
    """Skip the test, or fail it in CI."""
    if in_ci():
        pytest.fail(f"{reason} (CI is set, so a missing prerequisite fails instead of skipping)", pytrace=False)
    pytest.skip(reason)


def shared_path(*parts: str) -> Path:
    """The path of shared data: `shared_path("data", "flood", "ea-test5")` is
    <repo>/../shared/data/flood/ea-test5. Where it must exist, mark the test with
    `needs(path)` or call `require(path)` in the test or fixture that reads it."""
    return SHARED.joinpath(*parts)


def require(path: Path) -> Path:
    if not path.exists():
        missing_prerequisite(f"{path} is not on this machine (the shared data beside the repository)")
    return path


def needs(path: Path) -> pytest.MarkDecorator:
    """A mark: the test needs this shared file or folder (checked before its fixtures)."""
    return pytest.mark.shared_data(path)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    for mark in item.iter_markers("shared_data"):
        require(mark.args[0])


# The clock of the whole session can be moved (`--today 2030-06-15`, or the
# environment variable YINGJI_TEST_TODAY), so that `make test-clock` proves the tests hold
# on any day. Python's clock is moved and keeps ticking (time-machine); the code reads
# no database-side clock (no Now(), CURRENT_TIMESTAMP or SQL now()), so the database
# agrees. Processes the tests start (Celery workers) keep the real clock: see
# `moved_clock` below.
TODAY_ENV = "YINGJI_TEST_TODAY"
_traveller = None


def pytest_addoption(parser):
    parser.addoption("--today", default=os.environ.get(TODAY_ENV, ""),
                     help=f"run the session with the clock moved to this day (YYYY-MM-DD, at 10:00 Beijing time, "
                          f"or a full ISO datetime); default: ${TODAY_ENV} or the real clock")


def _destination(value: str) -> dt.datetime:
    if len(value) == 10:
        return dt.datetime.combine(dt.date.fromisoformat(value), dt.time(10),
                                   tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise pytest.UsageError(f"--today {value}: a datetime needs its UTC offset")
    return moment


def pytest_configure(config):
    global _traveller
    config.addinivalue_line("markers", "shared_data(path): needs this path of ../shared (see needs())")
    value = config.getoption("--today")
    if value:
        import time_machine

        _traveller = time_machine.travel(_destination(value), tick=True)
        _traveller.start()


def pytest_unconfigure(config):
    if _traveller is not None:
        _traveller.stop()


def pytest_report_header(config):
    if _traveller is not None:
        return f"clock moved to {dt.datetime.now().astimezone().isoformat(timespec='seconds')} ({TODAY_ENV})"


@pytest.fixture(scope="session")
def moved_clock() -> bool:
    """True when the session runs with the clock moved. A test that starts another
    process which reads the clock (a Celery worker) skips itself then: that process
    would live in the real present."""
    return _traveller is not None


@pytest.fixture
def today():
    """Today in Beijing, as the code under test sees it (moved with the clock). Dates
    that the code compares with today (deadlines, "overdue", "this month") are derived
    from it, so a test means the same thing on any day."""
    from django.utils import timezone

    return timezone.localdate()


# The data migrations that are safe to run twice (update_or_create, or a guard),
# in dependency order: duty kinds before the call-up policies that name them.
SEEDS = [("yingji.core.migrations.0002_duty_kinds", "add_kinds"),
         ("yingji.floods.migrations.0002_risk_point_kinds", "add_kinds"),
         ("yingji.alerts.migrations.0002_default_policies", "add_policies"),
         ("yingji.duty.migrations.0003_info_reports", "seed_limits"),
         ("yingji.response.migrations.0002_levels", "add_default_orders"),
         ("yingji.response.migrations.0005_last_mile", "add_rules"),
         ("yingji.resources.migrations.0002_teams", "seed"),
         ("yingji.resources.migrations.0003_supplies", "add_catalogue"),
         ("yingji.hazchem.migrations.0002_catalogue", "load"),
         ("yingji.enforcement.migrations.0005_case_hazard_verification", "add_templates")]


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
        # The hazard checklists and index weights: written once by their migration, not safe twice.
        if not apps.get_model("hazards", "ChecklistTemplate").objects.exists():
            importlib.import_module("yingji.hazards.migrations.0002_checklists_and_weights").forwards(apps, None)


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
