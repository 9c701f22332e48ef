"""A trigram index on the registry's name keys, for the search's last step (the key anywhere in
the name, `name_search._anywhere`), which would otherwise read every record.

* PostgreSQL: pg_trgm and a GIN index on `name_key`; `name_key LIKE '%…%'` then reads it. pg_trgm
  is a trusted extension (the database owner may create it); where it cannot be created the
  migration logs it and goes on: the search stays right, only slower (a scan).
* SQLite: an FTS5 table with the trigram tokenizer over the same column ("external content":
  it keeps only the index, the text stays in the registry table), kept in step by triggers, so
  every write (the ORM, the import's executemany, a flush) updates it.

Building it on a large registry takes a while (see docs/benchmarks.md): on a 2-core machine the
GIN index took 5–13 s at 1,000,000 records and 32 s at 10,000,000 on PostgreSQL, during which
the registry cannot be written; the FTS5 rebuild 1 min 56 s at 10,000,000 on SQLite.
"""

import logging

from django.db import DatabaseError, migrations, transaction

log = logging.getLogger(__name__)

TABLE = "awards_awardentry"
EXTENSION, INDEX = "pg_trgm", "entry_key_trgm"  # PostgreSQL
FTS = "awards_awardentry_name_fts"  # SQLite; name_search.py reads it

SQLITE_CREATE = [
    # columnsize=0: no table of each row's size, which only ranking (bm25) reads.
    f"CREATE VIRTUAL TABLE {FTS} USING fts5("
    f"name_key, content='{TABLE}', content_rowid='id', tokenize='trigram', columnsize=0)",
    # A row here pauses the insert trigger: name_search.indexed_at_end, for bulk inserts (FTS5
    # writes its pending index at every statement's savepoint, ~6x the cost of the insert).
    f"CREATE TABLE {FTS}_paused (paused integer NOT NULL)",
    f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON {TABLE} "
    f"WHEN NOT EXISTS (SELECT 1 FROM {FTS}_paused) BEGIN "
    f"INSERT INTO {FTS} (rowid, name_key) VALUES (new.id, new.name_key); END",
    f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS} ({FTS}, rowid, name_key) VALUES ('delete', old.id, old.name_key); END",
    f"CREATE TRIGGER {FTS}_update AFTER UPDATE OF id, name_key ON {TABLE} BEGIN "
    f"INSERT INTO {FTS} ({FTS}, rowid, name_key) VALUES ('delete', old.id, old.name_key); "
    f"INSERT INTO {FTS} (rowid, name_key) VALUES (new.id, new.name_key); END",
    # The records already there.
    f"INSERT INTO {FTS} ({FTS}) VALUES ('rebuild')",
]
SQLITE_DROP = [
    *(f"DROP TRIGGER IF EXISTS {FTS}_{event}" for event in ("insert", "delete", "update")),
    f"DROP TABLE IF EXISTS {FTS}",
    f"DROP TABLE IF EXISTS {FTS}_paused",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _postgres_index(schema_editor)
    elif vendor == "sqlite":
        for sql in SQLITE_CREATE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    elif vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)


def _postgres_index(schema_editor):
    try:
        # A savepoint: a refused CREATE EXTENSION must not abort the migration's transaction.
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute(f"CREATE EXTENSION IF NOT EXISTS {EXTENSION}")
    except DatabaseError as exc:
        log.warning(
            "%s could not be created (%s): the registry search by part of a name stays a "
            "scan. Once a superuser has run CREATE EXTENSION %s: `thidua migrate awards 0010`, "
            "then `thidua migrate`.",
            EXTENSION,
            exc,
            EXTENSION,
        )
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON {TABLE} USING gin (name_key gin_trgm_ops)"
    )


class Migration(migrations.Migration):
    dependencies = [("awards", "0010_vietnamese_field_labels")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
