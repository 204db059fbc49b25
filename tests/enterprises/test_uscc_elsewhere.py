"""A USCC registered in another region: the caller learns only that it is registered."""

import pytest

from .test_tabular import row, run


def _says_only_registered(message: str) -> None:
    assert "已登记" in message and "already registered" in message
    for hint in ("管辖", "jurisdiction", "331082", "临海"):
        assert hint not in message


@pytest.mark.django_db
def test_import_of_a_code_registered_in_another_county_says_only_already_registered(wenling_officer,
                                                                                   linhai_enterprise):
    report = run(wenling_officer, [row(name="改名", code=linhai_enterprise.uscc)])
    assert report.rejected == 1
    _says_only_registered(report.errors[0].message)


@pytest.mark.django_db
def test_create_of_a_code_registered_elsewhere_answers_as_for_one_in_the_same_county(
        api_as, wenling_officer, linhai_enterprise, wenling_enterprise):
    client = api_as(wenling_officer)
    body = {"name": "新企业", "region": "331081001"}
    elsewhere = client.post("/api/enterprises", {**body, "uscc": linhai_enterprise.uscc})
    here = client.post("/api/enterprises", {**body, "uscc": wenling_enterprise.uscc})
    assert elsewhere.status_code == here.status_code and 400 <= here.status_code < 500
    assert elsewhere.json()["error"]["message"] == here.json()["error"]["message"]
    _says_only_registered(elsewhere.json()["error"]["message"])
