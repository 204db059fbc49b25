"""Write the Taizhou demo into the database, once, through the ordinary services.

Every row goes through the same services the API uses, acting as the system
(`by=None`), so the audit chain covers the demo and `yingji audit verify` passes. The
whole seed is one transaction: either all of it is there or none of it, which is what
`is_seeded()` relies on.
"""

import datetime as dt
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from ..core.audit import snapshot
from ..core.choices import OrganizationKind, Role
from ..core.models import Duty, Organization, Person, Region
from ..core.services import duty_assign, organization_create, person_create, region_create, save_audited
from ..enterprises.models import Enterprise, Licence
from ..enterprises.services import enterprise_create, enterprise_organization, licence_add
from . import data
from .generate import mobile, person_name, plan_enterprises

PASSWORD = "demo"
PROVINCE_CODE = "33"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    name: str
    title: str
    region_code: str
    role: str


ACCOUNTS = (
    DemoAccount("demo-province", "省厅管理员（演示）", "浙江省应急管理厅 系统管理员", PROVINCE_CODE, Role.ADMIN),
    DemoAccount("demo-taizhou", "台州市局（演示）", "台州市应急管理局 工作人员", data.CITY_CODE, Role.OFFICER),
    DemoAccount("demo-wenling", "温岭市局（演示）", "温岭市应急管理局 工作人员", "331081", Role.OFFICER),
    DemoAccount("demo-linhai", "临海市局（演示）", "临海市应急管理局 工作人员", "331082", Role.OFFICER),
    DemoAccount("demo-enterprise", "企业安全员（演示）", f"{data.SHOWCASE['name']} 安全管理员",
                data.SHOWCASE["township"], Role.ENTERPRISE),
)
USERNAMES = tuple(a.username for a in ACCOUNTS)


@dataclass
class SeedReport:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def is_seeded() -> bool:
    return get_user_model().objects.filter(username__in=USERNAMES).exists()


def seed_demo(*, today: dt.date | None = None,
              progress: Callable[[int, int], None] | None = None) -> SeedReport | None:
    """Seed the demo; None if it is already there (nothing is written twice).
    The official region tree must be loaded first (`import_official_regions`)."""
    if is_seeded():
        return None
    started = time.perf_counter()
    with transaction.atomic():
        _Seeder(today or timezone.localdate(), progress).run()
    return SeedReport(counts=demo_counts(), seconds=time.perf_counter() - started)


def demo_counts() -> dict[str, int]:
    return {
        "enterprises": Enterprise.objects.count(), "licences": Licence.objects.count(),
        "organizations": Organization.objects.count(), "people": Person.objects.count(),
        "duties": Duty.objects.count(), "villages_and_grids": Region.objects.filter(level__gte=5).count(),
    }


class _Seeder:
    def __init__(self, today: dt.date, progress):
        self.today, self.progress = today, progress
        self.rng = random.Random(data.SEED + 1)  # people; enterprises have their own stream
        self.bureaus: dict[str, Organization] = {}
        self.county_chiefs: dict[str, Person] = {}

    def run(self) -> None:
        self.organizations()
        self.flood_chains()
        showcase = self.enterprises()
        self.accounts(showcase)

    # Government side -------------------------------------------------------------

    def organizations(self) -> None:
        province = organization_create(by=None, name="浙江省应急管理厅", kind=OrganizationKind.BUREAU,
                                       region_id=PROVINCE_CODE, phone="0571-87802000")
        city = organization_create(by=None, name=f"{data.CITY_NAME}应急管理局", kind=OrganizationKind.BUREAU,
                                   region_id=data.CITY_CODE, parent_id=province.id,
                                   phone=f"{data.AREA_PHONE_CODE}-88685000")
        self.bureaus = {PROVINCE_CODE: province, data.CITY_CODE: city}
        for code, (name, *_rest) in data.COUNTIES.items():
            bureau = organization_create(by=None, name=f"{name}应急管理局", kind=OrganizationKind.BUREAU,
                                         region_id=code, parent_id=city.id)
            self.bureaus[code] = bureau
            for _ in range(2):
                inspector = self.person(code, bureau, "安全生产监管员")
                duty_assign(by=None, person=inspector, kind_code="safety_inspector", region_code=code,
                            organization=bureau)

    def flood_chains(self) -> None:
        """County chief ← township chief ← village chief ← grid worker: who is called
        next when a call-up (叫应) is not acknowledged."""
        for code, (name, *_rest) in data.COUNTIES.items():
            chief = self.person(code, None, f"{name}防汛防台指挥部指挥长")
            duty_assign(by=None, person=chief, kind_code="county_flood_chief", region_code=code)
            self.county_chiefs[code] = chief
        for township, villages in data.TOWNSHIP_CHAINS.items():
            self.township_chain(township, villages)

    def township_chain(self, code: str, villages: list[str]) -> None:
        township = Region.objects.get(pk=code)
        office = "街道办事处" if township.name.endswith("街道") else "人民政府"
        government = organization_create(by=None, name=f"{township.name}{office}",
                                         kind=OrganizationKind.GOVERNMENT, region_id=code)
        chief = self.person(code, government, "乡镇（街道）主要负责人", superior=self.county_chiefs[code[:6]])
        for kind in ("township_government_head", "township_flood_chief"):
            duty_assign(by=None, person=chief, kind_code=kind, region_code=code, organization=government)
        for i, village_name in enumerate(villages, 1):
            village = region_create(by=None, code=f"{code}{200 + i:03d}", name=village_name, parent_code=code)
            locate(village, *data.village_location(code, i, len(villages)))
            self.village_chain(village, chief)

    def village_chain(self, village: Region, township_chief: Person) -> None:
        chief = self.person(village.code, None, "村委会主任", superior=township_chief)
        duty_assign(by=None, person=chief, kind_code="village_flood_chief", region_code=village.code)
        for j in range(1, data.GRIDS_PER_VILLAGE + 1):
            grid = region_create(by=None, code=f"{village.code}{j:03d}", name=f"{village.name}第{j}网格",
                                 parent_code=village.code)
            worker = self.person(grid.code, None, "专职网格员", superior=chief)
            duty_assign(by=None, person=worker, kind_code="grid_worker", region_code=grid.code)

    def person(self, region_code: str, organization: Organization | None, title: str,
               superior: Person | None = None) -> Person:
        return person_create(
            by=None, name=person_name(self.rng), mobile=mobile(self.rng), region_id=region_code,
            organization_id=organization.id if organization else None, title=title,
            role=Role.VIEWER, superior_id=superior.id if superior else None,
        )

    # Enterprises --------------------------------------------------------------------

    def enterprises(self) -> Enterprise:
        plans = plan_enterprises(self.today)
        created = []
        for i, plan in enumerate(plans, 1):
            enterprise = enterprise_create(by=None, tags=plan.tags, **plan.fields())
            for licence in plan.licences:
                licence_add(by=None, enterprise=enterprise, kind=licence.kind, number=licence.number,
                            valid_from=licence.valid_from, valid_to=licence.valid_to)
            created.append(enterprise)
            if self.progress:
                self.progress(i, len(plans))
        for enterprise in created:
            if enterprise.risk_grade in ("red", "orange"):
                self.safety_officer(enterprise)
        return created[0]  # the showcase

    def safety_officer(self, enterprise: Enterprise, *, name: str = "", title: str = "安全管理员",
                       username: str = "") -> Person:
        """The enterprise's safety officer (安全管理员); with a username, a login that
        sees only this enterprise."""
        org = enterprise_organization(by=None, enterprise=enterprise)
        officer = person_create(
            by=None, username=username, password=PASSWORD if username else "",
            name=name or person_name(self.rng), mobile=mobile(self.rng), region_id=enterprise.region_id,
            organization_id=org.id, title=title, role=Role.ENTERPRISE if username else Role.VIEWER,
        )
        duty_assign(by=None, person=officer, kind_code="enterprise_safety_officer",
                    region_code=enterprise.region_id, organization=org)
        return officer

    # Demo logins -------------------------------------------------------------------------

    def accounts(self, showcase: Enterprise) -> None:
        for account in ACCOUNTS:
            if account.role == Role.ENTERPRISE:
                self.safety_officer(showcase, name=account.name, title=account.title,
                                    username=account.username)
                continue
            person_create(by=None, username=account.username, password=PASSWORD, name=account.name,
                          title=account.title, region_id=account.region_code, role=account.role,
                          organization_id=self.bureaus[account.region_code].id)


def locate(region: Region, lon: float, lat: float) -> None:
    """Give a demo village its place on the call-up map, audited like every write."""
    before = snapshot(region)
    region.lon, region.lat = lon, lat
    save_audited(region, by=None, action="update", before=before, region_code=region.code)
