"""The claims ledger and the claim steps read in Chinese: the claim's state by its
Chinese name, the storm by its Chinese name with the international one beside it marked
as English, refusals in the reader's language only (tests/web/crawl.py's rule)."""

import pytest
from django.utils import timezone

from yingji.insurance.models import Storm

from ..web.crawl import parse, untranslated
from .test_views import client_as, taizhou  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


@pytest.fixture
def lekima(taizhou):  # noqa: F811
    """The triggering storm under a name the Chinese list has (LEKIMA, 利奇马)."""
    Storm.objects.filter(pk=taizhou["storm"].pk).update(name="LEKIMA")
    return taizhou


def _english(html: str) -> list[str]:
    return untranslated(parse(html).texts)


def test_the_claims_ledger_names_states_and_storms_in_chinese(client_as, lekima, taizhou_officer):  # noqa: F811
    html = client_as(taizhou_officer).get("/policies/claims/").content.decode()
    assert _english(html) == []
    assert '利奇马 <span lang="en" class="muted">LEKIMA</span>' in html
    assert "<td>已通知</td>" in html  # the row's state
    assert all(f">{state}</option>" in html for state in ("已通知", "已核定", "已赔付"))  # the filter


def test_the_verify_page_names_state_and_storm_in_chinese(client_as, lekima, taizhou_officer):  # noqa: F811
    client, claim = client_as(taizhou_officer), lekima["claim"]
    html = client.get(f"/policies/claims/{claim.pk}/verify/").content.decode()
    assert _english(html) == [] and "<dd>已通知</dd>" in html and "利奇马" in html
    refused = client.post(f"/policies/claims/{claim.pk}/verify/", {"day": "2026-02-30"})
    assert refused.status_code == 400
    html = refused.content.decode()
    assert _english(html) == [] and "请填写有效日期" in html and "日期无效" in html
    client.post(f"/policies/claims/{claim.pk}/verify/", {"day": timezone.localdate().isoformat()})
    html = client.get(f"/policies/claims/{claim.pk}/verify/").content.decode()  # a step already taken
    assert _english(html) == [] and "该理赔当前状态不能办理此步骤：已核定" in html
