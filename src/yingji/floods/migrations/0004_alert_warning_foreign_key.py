"""FloodAlert.warning_id, a bare integer, becomes a foreign key to alerts.Warning (the
same column, its values kept; ids of warnings that no longer exist are cleared first,
or the constraint could not be added), and the alert keeps the warning's text and a
`warning_pending` flag: the warning is issued by a tick that claims the alert."""

import django.db.models.deletion
from django.db import migrations, models


def clear_dangling(apps, schema_editor):
    FloodAlert = apps.get_model("floods", "FloodAlert")
    Warning = apps.get_model("alerts", "Warning")
    known = Warning.objects.values("pk")
    FloodAlert.objects.exclude(warning_id__isnull=True).exclude(warning_id__in=known).update(warning_id=None)


class Migration(migrations.Migration):

    dependencies = [
        ("alerts", "0004_target_state_updates_in_place"),
        ("floods", "0003_inundation_runs"),
    ]

    operations = [
        migrations.RunPython(clear_dangling, migrations.RunPython.noop),
        # Renamed in the state only: the FK field `warning` keeps the column warning_id.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="floodalert", name="warning_id"),
                migrations.AddField(
                    model_name="floodalert", name="warning",
                    field=models.BigIntegerField(blank=True, null=True, db_column="warning_id"),
                ),
            ],
        ),
        migrations.AlterField(
            model_name="floodalert", name="warning",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="flood_alerts", to="alerts.warning", verbose_name="预警"),
        ),
        migrations.AddField(
            model_name="floodalert", name="description",
            field=models.TextField(blank=True, verbose_name="预警内容"),
        ),
        migrations.AddField(
            model_name="floodalert", name="warning_pending",
            field=models.BooleanField(default=False, verbose_name="预警待发布"),
        ),
    ]
