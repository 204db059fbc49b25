"""Let a target's state change without touching its table's indexes.

A province-wide call-up writes 150,000 targets and then changes each one's state
(calling, then acknowledged or unreached). An index holding `state` made every such
UPDATE a new row version with an entry in each of the table's nine indexes.
Without it, PostgreSQL rewrites the row within its page (a HOT update) when the
page has room, so the table keeps 30 % of each page free (fillfactor 70; rows
written later, that is every call-up's, are laid out that way).
"""

from django.db import migrations

TABLE = "alerts_calluptarget"


def leave_room(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} SET (fillfactor = 70)")


def fill_pages(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE {TABLE} RESET (fillfactor)")


class Migration(migrations.Migration):

    dependencies = [
        ("alerts", "0003_queue_indexes"),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name="calluptarget",
            name="alerts_target_state_idx",
        ),
        migrations.RunPython(leave_room, fill_pages),
    ]
