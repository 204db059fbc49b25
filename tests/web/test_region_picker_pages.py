"""The enterprise list's filter and the enterprise edit form take regions by name."""

import pytest
from django.test import Client

from yingji.enterprises.models import Enterprise
from yingji.web.forms import EnterpriseForm

from ..conftest import WENLING_TOWN
from ..factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

CHENGXI = "331081003"  # 温岭市城西街道


@pytest.fixture
def wenling(wenling_officer):
    client = Client()
    client.force_login(wenling_officer.user)
    return client


def test_enterprise_filter_takes_a_township_by_name(wenling, regions):
    here = EnterpriseFactory(region_id=WENLING_TOWN, name="太平测试有限公司")
    there = EnterpriseFactory(region_id=CHENGXI, name="城西测试有限公司")
    page = wenling.get("/enterprises/", {"region": "太平街道"}).content.decode()
    assert here.name in page and there.name not in page
    page = wenling.get("/enterprises/", {"region": "cxjd"}).content.decode()  # initials are no name
    assert "找不到" in page and here.name in page and there.name in page


def test_enterprise_edit_takes_the_township_by_name(wenling, wenling_enterprise):
    data = {k: v for k, v in EnterpriseForm.initial_for(wenling_enterprise).items() if v is not None}
    data["region"] = "温岭市城西街道"
    assert wenling.post(f"/enterprises/{wenling_enterprise.id}/edit/", data).status_code == 302
    assert Enterprise.objects.get(pk=wenling_enterprise.pk).region_id == CHENGXI


def test_enterprise_edit_shows_the_township_by_name_and_refuses_a_county(wenling, wenling_enterprise):
    page = wenling.get(f"/enterprises/{wenling_enterprise.id}/edit/").content.decode()
    assert 'value="温岭市太平街道"' in page
    data = {k: v for k, v in EnterpriseForm.initial_for(wenling_enterprise).items() if v is not None}
    data["region"] = "温岭市"
    r = wenling.post(f"/enterprises/{wenling_enterprise.id}/edit/", data)
    assert r.status_code == 200 and "乡镇（街道）" in r.context["form"].errors["region"][0]
    assert Enterprise.objects.get(pk=wenling_enterprise.pk).region_id == WENLING_TOWN
