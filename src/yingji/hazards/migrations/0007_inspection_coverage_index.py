"""An index for the coverage figures (indexes.figures_by_prefix): inspections of a
region in a period, counted once per enterprise. In (region, enterprise) order the
database counts each enterprise's visits as it reads, from the index alone, instead
of sorting every inspection of the province by enterprise (about 0.5 s for 600,000
inspections, benchmarks/hazards_scale.py).

Plain SQL as in 0003, accepted by SQLite and PostgreSQL alike.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("hazards", "0006_hazard_pending_index")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX hazards_inspection_coverage ON hazards_inspection (region_id, enterprise_id, date)",
            reverse_sql="DROP INDEX hazards_inspection_coverage",
        ),
    ]
