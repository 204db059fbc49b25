"""The whole demo (`yingji demo`'s data) for the crawl tests: the Taizhou register and
people, a year of hazards, the catastrophe policy with Lekima and its claims, and the
flash-flood watershed with its inundation run. Seeded through the demo's own functions,
so the crawl sees what a person trying the demo sees."""

from contextlib import contextmanager

from django.test import TestCase, override_settings

from yingji.accidents.demo import seed_accidents_demo
from yingji.demo.seed import ACCOUNTS, PASSWORD, seed_demo
from yingji.duty.demo import seed_duty_demo
from yingji.duty.demo_notices import seed_notices_demo
from yingji.duty.demo_reports import seed_reports_demo
from yingji.enforcement.demo import seed_enforcement_demo
from yingji.floods.demo import load_flood_demo
from yingji.hazards.demo import seed_hazards_demo
from yingji.hazchem.demo import seed_hazchem_demo
from yingji.insurance.demo import load_demo_policy
from yingji.resources.demo_dispatch import seed_dispatch_demo
from yingji.resources.demo_supplies import seed_supplies_demo
from yingji.resources.demo_teams import seed_teams_demo
from yingji.resources.demo_videodrills import seed_videodrills_demo
from yingji.response.demo_evacuation import seed_evacuation_demo
from yingji.response.demo_lastmile import seed_lastmile_demo
from yingji.response.demo_levels import seed_levels_demo
from yingji.response.demo_riskcontrol import seed_riskcontrol_demo

from ..conftest import shared_path

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # logins, not security, are tested
USERNAMES = [a.username for a in ACCOUNTS]
ARCHIVE_2019 = shared_path("data", "typhoon", "cma-besttrack", "CH2019BST.txt")


@contextmanager
def media_in(media_root: str):
    """Uploaded and computed files (the inundation run's layers) under `media_root`, for
    the seeding and for the pages that serve them afterwards."""
    from yingji.floods.models import inundation_storage

    with override_settings(MEDIA_ROOT=media_root):
        inundation_storage.cache_clear()
        try:
            yield
        finally:
            inundation_storage.cache_clear()


def seed_everything() -> None:
    """Seed every part of the demo (the caller holds the transaction, if any, and the
    media folder: media_in). With the 2019 best tracks beside the repository, all 33
    storms of 2019 are loaded, as in the demo; without them, the built-in Lekima record."""
    with override_settings(PASSWORD_HASHERS=FAST_HASHER):
        with TestCase.captureOnCommitCallbacks(execute=True):
            seed_demo()
            seed_hazards_demo()
            seed_reports_demo()
            seed_accidents_demo()
            load_demo_policy(archive=ARCHIVE_2019 if ARCHIVE_2019.exists() else None)
            load_flood_demo()
            seed_duty_demo()
            seed_notices_demo()
            seed_levels_demo()
            seed_riskcontrol_demo()
            seed_lastmile_demo()
            seed_evacuation_demo()
            seed_supplies_demo()
            seed_teams_demo()
            seed_dispatch_demo()
            seed_videodrills_demo()  # after the teams: each team is a node
            seed_enforcement_demo()
            seed_hazchem_demo()


__all__ = ["PASSWORD", "USERNAMES", "FAST_HASHER", "media_in", "seed_everything"]
