"""No input makes a 500: schemathesis generates requests from /api/openapi.json for
every operation, valid and invalid, and checks only that the server never answers 5xx.

Then hostile bodies that no schema describes (deep nesting, bad encodings, huge
numbers, XML entities), for every operation that takes a body.

It runs as the province admin (the widest scope, so writes reach the services) with a
few records in place, on whichever database the suite runs on.
"""

import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from yingji.api import api
from yingji.core.models import ApiToken
from yingji.wsgi import application  # noqa: E402  (pytest-django has configured Django by now)

from ..factories import EnterpriseFactory, PersonFactory

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


# On PostgreSQL only (make test-sqlite leaves it out): the same API a second time on the
# demo's database cost CI ten minutes of its ninety for little the first run misses.
@pytest.mark.fuzz
@pytest.mark.django_db
@schema.parametrize()
@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_no_request_gets_a_server_error(case, admin_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {admin_token}"},
                           checks=[not_a_server_error])


# Hostile bodies ----------------------------------------------------------------------
# Schemathesis sends what the schema describes; an attacker sends what it does not.
# Every operation that takes a body gets each of these, as the province admin, with
# the gateways' token set; none may answer 5xx, and every refusal is in the error shape.

GATEWAY_TOKEN = "fuzz-gateway-token"
PATH_VALUES = {"code": "331081"}

HOSTILE_JSON = {
    "deep arrays": b"[" * 5000 + b"]" * 5000,
    "deep objects": b'{"a":' * 3000 + b"1" + b"}" * 3000,
    "invalid UTF-8": b'{"name": "\xff\xfe\xc0\xaf"}',
    "UTF-16": '{"name": "x"}'.encode("utf-16"),
    "5,000 digits": b'{"a": ' + b"9" * 5000 + b"}",
    "not JSON": b"None",
}
HOSTILE_XML = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
               b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
               b'<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
               b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>&lol2;&xxe;</identifier></alert>')


def _body_operations() -> list[tuple[str, str, dict]]:
    schema = api.get_openapi_schema()
    found = []
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                found.append((method.upper(), path, _properties(schema, content["application/json"]["schema"])))
    return found


def _properties(schema: dict, body: dict) -> dict:
    while "$ref" in body:
        body = schema["components"]["schemas"][body["$ref"].split("/")[-1]]
    return body.get("properties", {})


def _numeric(prop: dict) -> bool:
    types = {prop.get("type")} | {a.get("type") for a in prop.get("anyOf", [])}
    return bool(types & {"integer", "number"})


def _huge_numbers(props: dict) -> list[bytes]:
    """Each numeric field alone at 10^22, NaN and Infinity (Python's decoder takes both)."""
    names = [n for n, p in props.items() if _numeric(p)]
    return [f'{{"{name}": {value}}}'.encode() for name in names for value in ("1" + "0" * 22, "NaN", "-Infinity")]


def _url(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PATH_VALUES.get(m.group(1), "1"), path)


def _assert_refused_in_shape(r, what):
    assert r.status_code < 500, (what, r.status_code, r.content[:300])
    if r.status_code >= 400:
        assert "error" in r.json(), (what, r.content[:300])


@pytest.mark.django_db
@pytest.mark.parametrize("method,path,props", _body_operations(), ids=lambda v: v if isinstance(v, str) else "")
def test_hostile_bodies_never_get_a_server_error(method, path, props, api_as, regions, settings):
    settings.YINGJI_GATEWAY_TOKEN = GATEWAY_TOKEN
    EnterpriseFactory()
    client = api_as(PersonFactory(region_id="33", role="admin"), raise_request_exception=False)
    send = getattr(client, method.lower())
    headers = {"X-Yingji-Gateway-Token": GATEWAY_TOKEN}
    bodies = {**HOSTILE_JSON, **{f"number {i}": b for i, b in enumerate(_huge_numbers(props))}}
    for what, body in bodies.items():
        _assert_refused_in_shape(send(_url(path), body, content_type="application/json", headers=headers), what)
    r = send(_url(path), HOSTILE_XML, content_type="application/xml", headers=headers)
    _assert_refused_in_shape(r, "XML entities")
