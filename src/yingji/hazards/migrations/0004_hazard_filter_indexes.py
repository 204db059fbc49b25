"""Partial indexes for the list filters that a region index alone serves badly
at millions of rows (benchmarks/hazards_scale.py, EXPLAIN ANALYZE on PostgreSQL):

- major hazards of a region: 2 % of the rows, which a region scan would otherwise
  read all of to find;
- open hazards of a region by deadline (red/yellow lights, overdue): about 5 % of
  the rows once closed ones pile up.

The predicates repeat the selectors' filters literally (`level = 'major'`, the
open states in `choices.OPEN_STATES` order), which is what lets the planner use a
partial index; if a state is ever added, the index is simply no longer chosen until
it is rebuilt, never wrong. Plain SQL as in 0003: models.py stays as it is, and
SQLite accepts the same statements.
"""

from django.db import migrations

OPEN = "('registered', 'reported', 'planned', 'rectifying', 'submitted')"


class Migration(migrations.Migration):
    dependencies = [("hazards", "0003_hazard_list_order_index")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX hazards_hazard_major_region ON hazards_hazard (region_id, found_on) "
            "WHERE level = 'major'",
            reverse_sql="DROP INDEX hazards_hazard_major_region",
        ),
        migrations.RunSQL(
            f"CREATE INDEX hazards_hazard_open_region ON hazards_hazard (region_id, deadline) WHERE state IN {OPEN}",
            reverse_sql="DROP INDEX hazards_hazard_open_region",
        ),
    ]
