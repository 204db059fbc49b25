"""A covering index for the regional figures and ranking (indexes.figures_by_prefix):
every column they read, led by the region and the day found, so PostgreSQL answers a
county's or a city's figures from the index alone. Hazards are stored in the order
they are registered, so one region's hazards lie on nearly every table page; read
through the plain (region_id, found_on) index, a county's figures touched most of
the table (about 0.9 s at 6 million hazards, benchmarks/hazards_scale.py).

A plain composite index rather than INCLUDE, so that SQLite accepts the same
statement; plain SQL as in 0003.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("hazards", "0004_hazard_filter_indexes")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX hazards_hazard_figures ON hazards_hazard "
            "(region_id, found_on, closed_on, deadline, level, ever_supervised)",
            reverse_sql="DROP INDEX hazards_hazard_figures",
        ),
    ]
