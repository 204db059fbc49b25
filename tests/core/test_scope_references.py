"""References to rows outside the caller's region: only a changed one must be in scope."""

import pytest

from ..conftest import TAIZHOU, WENLING
from ..factories import OrganizationFactory, PersonFactory


@pytest.fixture
def wenling_bureau(regions):
    city = OrganizationFactory(name="台州市应急管理局", region_id=TAIZHOU)
    return OrganizationFactory(name="温岭市应急管理局", region_id=WENLING, parent=city)


@pytest.mark.django_db
def test_county_officer_edits_its_own_bureau_whose_parent_is_the_city_bureau(api_as, wenling_officer,
                                                                             wenling_bureau):
    response = api_as(wenling_officer).patch(f"/api/organizations/{wenling_bureau.pk}", {"phone": "0576-86000001"})
    assert response.status_code == 200, response.content
    wenling_bureau.refresh_from_db()
    assert wenling_bureau.phone == "0576-86000001" and wenling_bureau.parent.region_id == TAIZHOU


@pytest.mark.django_db
def test_county_officer_cannot_move_its_bureau_under_another_organization_outside_its_region(
        api_as, wenling_officer, wenling_bureau):
    other = OrganizationFactory(name="临海市应急管理局", region_id="331082")
    response = api_as(wenling_officer).patch(f"/api/organizations/{wenling_bureau.pk}", {"parent": other.pk})
    assert response.status_code in (400, 403, 404)
    wenling_bureau.refresh_from_db()
    assert wenling_bureau.parent_id != other.pk


@pytest.mark.django_db
def test_county_officer_edits_a_person_whose_superior_sits_in_the_city(api_as, wenling_officer, regions):
    chief = PersonFactory(name="市局局长", region_id=TAIZHOU)
    person = PersonFactory(name="科员", region_id=WENLING, superior=chief)
    response = api_as(wenling_officer).patch(f"/api/people/{person.pk}", {"mobile": "13800000000"})
    assert response.status_code == 200, response.content
