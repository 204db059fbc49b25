"""factory_boy factories shared by every test package."""

import itertools

import factory
from django.contrib.auth import get_user_model

from yingji.core.choices import OrganizationKind, Role
from yingji.core.models import Organization, Person
from yingji.enterprises import uscc
from yingji.enterprises.models import Enterprise

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
