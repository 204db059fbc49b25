"""An index in the hazard list's order (newest found first, then newest id).

The list of a county or township officer is scoped through the enterprise (access
follows the enterprise, models.py), so no index on the hazard's own region can
serve it: without this index PostgreSQL reads every hazard of the province and
sorts to show one page (seconds at millions of rows, benchmarks/hazards_scale.py).
With it, the page is read in order and stops after the page.

Plain SQL rather than `Meta.indexes`, so that models.py (owned by the hazards
engineer) stays as it is; both SQLite and PostgreSQL accept the statement, and
Django's model state is unchanged, so makemigrations stays clean.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("hazards", "0002_checklists_and_weights")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX hazards_hazard_list_order ON hazards_hazard (found_on, id)",
            reverse_sql="DROP INDEX hazards_hazard_list_order",
        ),
    ]
