"""No input makes a 500: schemathesis generates requests from /api/openapi.json for
every operation, valid and invalid, and checks only that the server never answers 5xx.

It runs as the province admin (the widest scope, so writes reach the services) with a
few records in place, on whichever database the suite runs on.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from yingji.core.models import ApiToken

from ..factories import EnterpriseFactory, PersonFactory


from yingji.wsgi import application  # noqa: E402  (pytest-django has configured Django by now)

# Generating the schema needs no database: the OpenAPI document is built from code.
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)


@pytest.fixture(autouse=True)
def keep_the_test_transaction():
    """Requests go straight to the WSGI app, not through Django's test client, so do
    what the client does: don't let request signals close the test's connection."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def admin_token(regions):
    EnterpriseFactory()
    admin = PersonFactory(region_id="33", role="admin")
    return ApiToken.issue(admin.user)


@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_no_request_gets_a_server_error(case, admin_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_token}"},
                           checks=[not_a_server_error])
