"""Drop the LIKE index PostgreSQL got for `Message.idempotency_key`.

Django adds a second (`varchar_pattern_ops`) index to every indexed CharField on
PostgreSQL, for `startswith`/LIKE queries. Nothing in the application searches the
outbox by a key prefix (keys are looked up whole, through the unique index), and
the extra index costs on the hot path: every claim and every outcome changes
`status`, which is indexed, so each such UPDATE writes a new entry into every index
of the table, this one included (three writes per message in a call-up).
"""

from django.db import migrations

TABLE = "messaging_message"
COLUMN = "idempotency_key"


def _name(schema_editor) -> str:
    # The name Django gave it (the same helper that created it).
    return schema_editor._create_index_name(TABLE, [COLUMN], suffix="_like")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(_name(schema_editor))}")


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(_name(schema_editor))} "
            f"ON {TABLE} ({COLUMN} varchar_pattern_ops)")


class Migration(migrations.Migration):

    dependencies = [
        ("messaging", "0001_initial"),
    ]

    operations = [migrations.RunPython(drop, create)]
