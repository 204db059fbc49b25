"""Add the audit records' HMAC and sign the records already there.

Records written before this migration were only hash-chained: anyone who could write
to the database could have re-hashed them. The MACs added here vouch for them as they
are at migration time, not before (README, "Audit").
"""

from django.db import migrations, models

from yingji.core.audit import sign


def sign_existing(apps, schema_editor):
    AuditRecord = apps.get_model("core", "AuditRecord")
    last = 0
    while batch := list(AuditRecord.objects.filter(pk__gt=last).only("pk", "hash").order_by("pk")[:2000]):
        for rec in batch:
            rec.mac = sign(rec.hash)
        AuditRecord.objects.bulk_update(batch, ["mac"])
        last = batch[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_region_location"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditrecord",
            name="mac",
            field=models.CharField(default="", max_length=64),
        ),
        migrations.RunPython(sign_existing, migrations.RunPython.noop),
    ]
