"""An index for the part of the regional figures that depends on the day they are
taken (indexes.figures_by_prefix): the hazards not yet closed by then, which are
the ones still open (closed_on IS NULL) and the ones closed after it (closed_on >
that day). Led by closed_on, both are one short range of it; the other columns are
all the figures read, so PostgreSQL answers from the index alone. The rest of the
figures come from DailyHazardCount (0005).

Plain SQL as in 0003 and 0004, accepted by SQLite and PostgreSQL alike.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("hazards", "0005_hazard_counts")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX hazards_hazard_pending ON hazards_hazard (closed_on, region_id, found_on, deadline, level)",
            reverse_sql="DROP INDEX hazards_hazard_pending",
        ),
    ]
