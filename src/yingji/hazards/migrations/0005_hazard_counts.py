"""Hazards found per region and day, and per region and month (DailyHazardCount,
MonthlyHazardCount, daily_counts.py), filled from the hazards already there: the
regional figures read them from now on."""

import django.db.models.deletion
from django.db import migrations, models


# Literal SQL, as the tables are at this migration (daily_counts.rebuild does the same
# for the tables of today).
COUNTS = ("COUNT(*), SUM(CASE WHEN level = 'major' THEN 1 ELSE 0 END), "
          "SUM(CASE WHEN ever_supervised THEN 1 ELSE 0 END)")


def count_existing(apps, schema_editor):
    # The month's first day: SQLite keeps dates as 'YYYY-MM-DD' text.
    month = ("CAST(date_trunc('month', found_on) AS date)" if schema_editor.connection.vendor == "postgresql"
             else "SUBSTR(found_on, 1, 7) || '-01'")
    schema_editor.execute(
        "INSERT INTO hazards_dailyhazardcount (region_id, found_on, found, major_found, supervised) "
        f"SELECT region_id, found_on, {COUNTS} FROM hazards_hazard GROUP BY region_id, found_on")
    schema_editor.execute(
        "INSERT INTO hazards_monthlyhazardcount (region_id, month, found, major_found, supervised) "
        f"SELECT region_id, {month}, {COUNTS} FROM hazards_hazard GROUP BY region_id, {month}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_duty_kinds"),
        ("hazards", "0004_hazard_filter_indexes"),
    ]

    operations = [
        migrations.CreateModel(
            name="DailyHazardCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("found_on", models.DateField()),
                ("found", models.IntegerField(default=0)),
                ("major_found", models.IntegerField(default=0)),
                ("supervised", models.IntegerField(default=0)),
                ("region", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                             related_name="+", to="core.region")),
            ],
            options={
                "verbose_name": "隐患日统计 Daily hazard count",
                "verbose_name_plural": "隐患日统计 Daily hazard counts",
                "constraints": [models.UniqueConstraint(fields=("found_on", "region"),
                                                        name="daily_hazard_count_unique")],
            },
        ),
        migrations.CreateModel(
            name="MonthlyHazardCount",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField()),
                ("found", models.IntegerField(default=0)),
                ("major_found", models.IntegerField(default=0)),
                ("supervised", models.IntegerField(default=0)),
                ("region", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.PROTECT,
                                             related_name="+", to="core.region")),
            ],
            options={
                "verbose_name": "隐患月统计 Monthly hazard count",
                "verbose_name_plural": "隐患月统计 Monthly hazard counts",
                "constraints": [models.UniqueConstraint(fields=("month", "region"),
                                                        name="monthly_hazard_count_unique")],
            },
        ),
        migrations.RunPython(count_existing, migrations.RunPython.noop),
    ]
