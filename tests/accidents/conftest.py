"""Accidents made through the services, at a chosen time in the past."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from yingji.accidents import services
from yingji.core.scope import SYSTEM  # noqa: F401


def ago(days: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(days=days)


def make_accident(by, *, region="331081001", when=None, industry="machinery", kind="machinery", deaths=0,
                  serious_injuries=0, direct_loss=0, enterprise=None, name="某加工点"):
    return services.accident_create(
        by=by.user if hasattr(by, "user") else by, region_code=region, occurred_at=when or ago(1),
        industry=industry, kind=kind, deaths=deaths, serious_injuries=serious_injuries,
        direct_loss=Decimal(direct_loss), enterprise_id=enterprise.pk if enterprise else None,
        party_name="" if enterprise else name)


@pytest.fixture
def accident_at():
    return make_accident
