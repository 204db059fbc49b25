"""`yingji audit verify`: recompute the audit hash chain and report the first broken link."""

from django.core.management.base import BaseCommand, CommandError

from ... import audit


class Command(BaseCommand):
    help = "Audit log tools. `verify`: check the hash chain."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, action, **options):
        result = audit.verify()
        if not result.ok:
            raise CommandError(
                f"审计链在第 {result.broken_seq} 条断开 / audit chain broken at seq {result.broken_seq}: "
                f"{result.reason} ({result.checked} records verified before it)"
            )
        self.stdout.write(f"审计链完整 / audit chain intact: {result.checked} records verified")
