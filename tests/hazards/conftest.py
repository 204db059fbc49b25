"""Fixtures of hazard work: hazards at the Wenling enterprise in each state."""

import datetime as dt

import pytest

from yingji.hazards import services

from ..conftest import WENLING_TOWN  # noqa: F401  (re-exported for the test modules)

TODAY = dt.date(2026, 3, 10)


@pytest.fixture
def register(wenling_officer):
    """`register(**fields)` → a hazard registered by the Wenling officer."""

    def make(enterprise, **fields):
        fields.setdefault("description", "配电箱未接地")
        fields.setdefault("deadline", dt.date(2026, 4, 1))
        fields.setdefault("found_on", dt.date(2026, 3, 1))
        return services.hazard_register(by=wenling_officer.user, enterprise_id=enterprise.pk, **fields)

    return make


@pytest.fixture
def general(register, wenling_enterprise):
    return register(wenling_enterprise)


@pytest.fixture
def major(register, wenling_enterprise):
    return register(wenling_enterprise, level="major", description="有限空间作业未审批")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The fixtures create several users per test; the production hasher makes each
    # one cost a noticeable fraction of a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
