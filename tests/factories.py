"""factory_boy factories shared by every test package."""

import datetime as dt
import itertools

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from yingji.core.choices import OrganizationKind, Role
from yingji.core.models import Organization, Person
from yingji.enterprises import uscc
from yingji.enterprises.models import Enterprise
from yingji.hazards.models import Hazard
from yingji.hydromet.models import Station
from yingji.insurance.models import Policy

_serial = itertools.count(1)


def valid_uscc(division: str = "331081") -> str:
    """A fresh, valid 统一社会信用代码 in the given county."""
    return uscc.make("91", division, f"{next(_serial):08d}X")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"单位{n}")
    kind = OrganizationKind.BUREAU
    region_id = "331081"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"人员{n}")
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    region_id = "331081"
    role = Role.OFFICER
    user = factory.SubFactory(UserFactory)


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name = factory.Sequence(lambda n: f"测试企业{n}有限公司")
    uscc = factory.LazyAttribute(lambda o: valid_uscc(o.region_id[:6]))
    region_id = "331081001"
    address = "测试路 1 号"
    longitude = 121.38
    latitude = 28.37


# The rows below are written directly, as a raw import would: no audit record, no
# call-up, no number from the numbering service. A test of the services' own work
# goes through the services; these give it the world around that work.

class HazardFactory(factory.django.DjangoModelFactory):
    """A general hazard found today at a fresh enterprise, due in 30 days."""

    class Meta:
        model = Hazard

    number = factory.Sequence(lambda n: f"T-{n}")
    enterprise = factory.SubFactory(EnterpriseFactory)
    region_id = factory.LazyAttribute(lambda o: o.enterprise.region_id)
    description = "配电箱未接地"
    level = "general"
    found_on = factory.LazyFunction(timezone.localdate)
    deadline = factory.LazyAttribute(lambda o: o.found_on + dt.timedelta(days=30))


class WarningFactory(factory.django.DjangoModelFactory):
    """An active red rainstorm warning for Wenling, effective now; `regions=[...]` for
    another area. No call-up: issue through alerts.services for one."""

    class Meta:
        model = "alerts.Warning"
        skip_postgeneration_save = True

    type = "rainstorm"
    level = "red"
    headline = factory.Sequence(lambda n: f"测试暴雨红色预警{n}")
    effective = factory.LazyFunction(timezone.now)
    cap_identifier = factory.Sequence(lambda n: f"urn:yingji:test:{n}")
    cap_sender = "yingji-test"
    cap_sent = factory.LazyAttribute(lambda o: o.effective)

    @factory.post_generation
    def regions(self, create, codes, **kwargs):
        if create:
            for code in codes or ["331081"]:
                self.areas.create(region_id=code)


class StationFactory(factory.django.DjangoModelFactory):
    """A rain gauge in Wenling."""

    class Meta:
        model = Station
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"T{n}")
    name = factory.LazyAttribute(lambda o: f"测站{o.code}")
    region_id = "331081"
    longitude = 121.38
    latitude = 28.37


class PolicyFactory(factory.django.DjangoModelFactory):
    """A catastrophe policy for Taizhou over this calendar year, without triggers
    (load a policy file through insurance.services for those)."""

    class Meta:
        model = Policy

    name = factory.Sequence(lambda n: f"测试巨灾保单{n}")
    region_id = "3310"
    period_start = factory.LazyFunction(lambda: timezone.localdate().replace(month=1, day=1))
    period_end = factory.LazyAttribute(lambda o: o.period_start.replace(month=12, day=31))
