"""Access by region declared as data: an app lists its endpoints, the tests come from here.

A test class that derives from `IsolationCases` fills in what a Wenling officer must
never reach in Linhai and provides two fixtures; every declared operation is then
tested the same way for every app:

    class TestFloodsIsolation(IsolationCases):
        lists = {"GET /api/risk-points": [{}, {"region": LINHAI}, {"q": "临海"}]}
        objects = {"GET /api/risk-points/{id}": ("point", None)}
        creates = {"POST /api/risk-points": (RiskPoint, lambda home: {...})}

        @pytest.fixture
        def foreign(self, ...):   # kind -> a record in Linhai
        @pytest.fixture
        def home(self, ...):      # "officer" -> the Wenling officer, and their own records

- `lists`: each filter returns nothing of Linhai to the officer, and the province
  admin (the control) finds Linhai records with the same filters.
- `objects`: a Linhai record answers 404 `not_found`, exactly as a missing id, and
  neither the record nor the audit log changes.
- `creates`: creating in Linhai answers 403 and creates nothing.
- `moves`: moving one's own record into Linhai answers 403 and leaves it at home.
- `elsewhere`: operations of the class tested by hand-written tests beside it.

`tests/access/test_isolation.py` fails while an operation of the API is declared by no
class (and no module-level `ACCESS_CHECKED` of the older hand-written files).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import models

from yingji.core import audit
from yingji.core.models import AuditRecord

from ..conftest import LINHAI, WENLING
from ..factories import PersonFactory

PAGE = {"page_size": 500}


def is_linhai(item: dict) -> bool:
    """A listed item is Linhai's when its region code says so (any of the usual keys)."""
    for key in ("region", "region_code", "code"):
        if isinstance(item.get(key), str) and item[key].startswith(LINHAI):
            return True
    return False


def fill(template: str, row: models.Model) -> str:
    """The path of an operation for one row: every `{...}` placeholder is its key."""
    path, rest = "", template
    while "{" in rest:
        head, _, tail = rest.partition("{")
        path += head + str(row.pk)
        rest = tail.partition("}")[2]
    return path + rest


class IsolationCases:
    pytestmark = [pytest.mark.django_db]

    lists: dict[str, list[dict]] = {}
    objects: dict[str, tuple[str, dict | None]] = {}
    creates: dict[str, tuple[type[models.Model], Callable[[dict], dict]]] = {}
    moves: dict[str, tuple[str, dict]] = {}
    elsewhere: set[str] = set()

    @classmethod
    def operations(cls) -> set[str]:
        return set(cls.lists) | set(cls.objects) | set(cls.creates) | set(cls.moves) | cls.elsewhere

    def __init_subclass__(cls, **kwargs):
        """A test whose table the class leaves empty is not collected (rather than skipped)."""
        super().__init_subclass__(**kwargs)
        for name in dir(cls):
            table = getattr(getattr(cls, name), "cases", None)
            if table is not None and not getattr(cls, table):
                setattr(cls, name, None)

    def is_foreign(self, item: dict) -> bool:
        return is_linhai(item)

    def pytest_generate_tests(self, metafunc):
        """Each test below runs once per operation of the table it names."""
        table = getattr(metafunc.function, "cases", None)
        if table is not None:
            metafunc.parametrize("operation", sorted(getattr(self, table)))

    def test_lists_never_show_another_county(self, operation, api_as, foreign, home):
        client = api_as(home["officer"])
        for params in self.lists[operation]:
            r = client.get(operation.split(" ")[1], {**params, **PAGE})
            assert r.status_code == 200, (params, r.content)
            leaked = [item for item in r.json()["items"] if self.is_foreign(item)]
            assert leaked == [], (params, leaked)
    test_lists_never_show_another_county.cases = "lists"

    def test_lists_do_show_the_same_kind_of_record_to_the_province(self, operation, api_as, foreign, home):
        """The control: the same filters find Linhai's records for the province admin."""
        client = api_as(PersonFactory(region_id="33", role="admin"))
        found = any(self.is_foreign(item) for params in self.lists[operation]
                    for item in client.get(operation.split(" ")[1], {**params, **PAGE}).json()["items"])
        assert found
    test_lists_do_show_the_same_kind_of_record_to_the_province.cases = "lists"

    def test_another_countys_records_are_not_found(self, operation, api_as, foreign, home):
        method, template = operation.split(" ")
        kind, body = self.objects[operation]
        row = foreign[kind]
        before, audit_count = audit.snapshot(row), AuditRecord.objects.count()
        call = getattr(api_as(home["officer"]), method.lower())
        r = call(fill(template, row), body) if body is not None else call(fill(template, row))
        assert r.status_code == 404, r.content
        assert r.json()["error"]["code"] == "not_found"
        assert audit.snapshot(type(row).objects.get(pk=row.pk)) == before
        assert AuditRecord.objects.count() == audit_count
    test_another_countys_records_are_not_found.cases = "objects"

    def test_nothing_can_be_created_in_another_county(self, operation, api_as, foreign, home):
        model, body = self.creates[operation]
        count = model.objects.count()
        r = api_as(home["officer"]).post(operation.split(" ")[1], body(home))
        assert r.status_code == 403, r.content
        assert model.objects.count() == count
    test_nothing_can_be_created_in_another_county.cases = "creates"

    def test_own_records_cannot_be_moved_into_another_county(self, operation, api_as, foreign, home):
        kind, body = self.moves[operation]
        row = home[kind]
        r = api_as(home["officer"]).patch(fill(operation.split(" ")[1], row), body)
        assert r.status_code == 403, r.content
        assert type(row).objects.get(pk=row.pk).region_id.startswith(WENLING)
    test_own_records_cannot_be_moved_into_another_county.cases = "moves"
