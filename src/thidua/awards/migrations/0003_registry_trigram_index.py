"""Registry search on PostgreSQL: a trigram index so `name_key LIKE '%…%'` is not a full scan.

PostgreSQL only (pg_trgm is a trusted extension: the database owner may create it). On SQLite
this migration does nothing; see docs/benchmarks.md for the search figures on each database.
"""

from django.db import migrations

INDEX = "entry_key_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON awards_awardentry USING gin (name_key gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("awards", "0002_dossiers_backlog")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
