"""`yingji hazchem-reconcile`: reconcile every flow row at once (the set-based rules of
`yingji.hazchem.reconcile_sets`) and open or update the work orders; prints the counts.
The nightly tick `hazchem.reconcile_all` runs the same; use this after a bulk load."""

from django.core.management.base import BaseCommand

from ... import services


class Command(BaseCommand):
    help = "Reconcile every hazardous-chemical flow row and write the findings as work orders."

    def handle(self, *args, **o):
        counts = services.reconcile_all()
        self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
