"""The demo's notices: Taizhou's typhoon tip sheet went to its nine counties
(椒江、黄岩、路桥、玉环、三门、天台、仙居、温岭、临海), eight answered and Sanmen is
late and was reminded; seeding twice writes nothing more."""

import pytest

from yingji.duty.demo_notices import SANMEN, TYPHOON_TITLE, seed_notices_demo
from yingji.duty.models import Consultation, Notice, NoticeTarget

from ..conftest import _person

pytestmark = pytest.mark.django_db


def test_the_demo_has_one_late_county_and_seeds_once(regions):
    _person("demo-taizhou", "3310", "officer")
    _person("demo-wenling", "331081", "officer")
    assert seed_notices_demo()["seeded"]
    typhoon = Notice.objects.get(title=TYPHOON_TITLE)
    targets = NoticeTarget.objects.filter(notice=typhoon)
    assert targets.count() == 9
    assert targets.filter(state="answered").count() == 8
    assert list(targets.filter(late=True).values_list("region_id", flat=True)) == [SANMEN]
    assert targets.get(region_id=SANMEN).reminded_at is not None
    assert typhoon.consultation.kind == "daily_judgement"
    counts = (Notice.objects.count(), Consultation.objects.count())
    assert counts == (3, 2)
    assert not seed_notices_demo()["seeded"]
    assert (Notice.objects.count(), Consultation.objects.count()) == counts
