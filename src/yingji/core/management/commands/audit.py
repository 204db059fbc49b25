"""`yingji audit verify`: check the audit chain (hashes, HMACs, checkpoints) and report
the first bad record. `yingji audit checkpoint`: write a checkpoint of the head now."""

from django.core.management.base import BaseCommand, CommandError

from ... import audit, audit_checkpoints


class Command(BaseCommand):
    help = ("Audit log tools. `verify`: check the hash chain, its HMACs and the checkpoints; "
            "`checkpoint`: append the chain head to the checkpoint file now.")

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify", "checkpoint"])

    def handle(self, *args, action, **options):
        if action == "checkpoint":
            point = audit_checkpoints.write_checkpoint()
            where = audit_checkpoints.path()
            self.stdout.write(f"checkpoint seq {point.seq} → {where}" if point
                              else f"nothing new since the last checkpoint in {where}")
            return
        result = audit.verify()
        if not result.ok:
            raise CommandError(
                f"审计链在第 {result.broken_seq} 条断开 / audit chain broken at seq {result.broken_seq}: "
                f"{result.reason} ({result.checked} records verified before it)"
            )
        self.stdout.write(f"审计链完整 / audit chain intact: {result.checked} records verified, "
                          f"{result.checkpoints} checkpoints matched ({audit_checkpoints.path()})")
