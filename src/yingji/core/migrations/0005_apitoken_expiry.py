import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    """Tokens end. The ones issued before never did: they expire now (their owners
    log in again)."""

    dependencies = [("core", "0004_audit_record_mac")]

    operations = [
        migrations.AddField(
            model_name="apitoken", name="expires_at",
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name="过期时间"),
            preserve_default=False,
        ),
    ]
