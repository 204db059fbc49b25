"""`yingji flood-demo`: load the flash-flood demo watersheds near Lin'an and in Wenling (山洪演示).

Migrates and loads the official regions first when they are missing, so it also
works on a fresh database. Idempotent: a second run changes nothing. See
:mod:`yingji.floods.demo` for what it loads.
"""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from ....core.models import Region
from ....core.services import import_official_regions
from ...demo import SITES, load_flood_demo


class Command(BaseCommand):
    help = ("Load the flash-flood demo: a synthetic watershed near Lin'an and one in Wenling (Taizhou), each with a "
            "storm, warnings and an inundation run.")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        if not Region.objects.filter(pk="330112").exists():
            import_official_regions()
        for site in SITES:
            report = load_flood_demo(site)
            self.stdout.write(f"山洪演示 / flood demo {site.watershed}: " + report.summary())
