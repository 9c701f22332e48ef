"""The search's last step (the key anywhere in a name) reads a trigram index over the registry's
distinct name keys instead of one over every record.

At 10,000,000 records the trigram index over the records (migration 0011) still read 177–195 ms
for a key of common trigrams ("nguyen van an"): its posting lists grow with the registry. The
distinct keys are ~86 times fewer (115,898 for 10,000,000 generated records): the same look-up
read 1.4 ms of this index, and the records of the keys found are then an equality on the
`name_key` b-tree (`name_search._anywhere`): the page 15 ms on PostgreSQL, 6 ms on SQLite.

* `awards_namekey`: every name key of the registry, filled here and kept by triggers on the
  registry (every writer: the ORM, the import's COPY or executemany, a restore). A key whose
  records are all gone stays: it matches no record, so the search stays right.
* PostgreSQL: pg_trgm's GIN index on it (where 0011 could create the extension; else the step
  scans the keys, still ~86 times fewer rows than the records). The statement trigger reads the
  statement's new rows at once, so a COPY of a million rows adds one statement, not a million.
* SQLite: an FTS5 trigram table over it ("external content"), kept by a trigger on the keys. Its
  per-statement cost now falls on a new key only, not on every record, so the import no longer
  pauses it (0011's `_paused` table is gone).
* The record-level indexes of 0011 are dropped: they cost every import a write per record.

Django remakes a SQLite table to alter it, which drops its triggers: a later migration that
alters AwardEntry must make `SQLITE_ENTRY_TRIGGERS` again
(`tests/test_name_search_anywhere.py` fails until it does).
"""

import importlib

from django.db import migrations

ENTRY = "awards_awardentry"
KEYS, FTS, GIN = "awards_namekey", "awards_namekey_fts", "namekey_trgm"
OLD = importlib.import_module("thidua.awards.migrations.0011_registry_name_trigrams")

POSTGRES_CREATE = [
    f"CREATE TABLE {KEYS} (key varchar(300) PRIMARY KEY)",
    f"""CREATE FUNCTION {KEYS}_add() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        INSERT INTO {KEYS} (key) SELECT DISTINCT name_key FROM new_entries
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    END $$""",
    *(
        f"CREATE TRIGGER {KEYS}_on_{event} AFTER {event} ON {ENTRY} "
        f"REFERENCING NEW TABLE AS new_entries FOR EACH STATEMENT EXECUTE FUNCTION {KEYS}_add()"
        for event in ("insert", "update")
    ),
    f"INSERT INTO {KEYS} (key) SELECT DISTINCT name_key FROM {ENTRY}",
]
POSTGRES_DROP = [
    f"DROP TRIGGER IF EXISTS {KEYS}_on_insert ON {ENTRY}",
    f"DROP TRIGGER IF EXISTS {KEYS}_on_update ON {ENTRY}",
    f"DROP FUNCTION IF EXISTS {KEYS}_add()",
    f"DROP TABLE IF EXISTS {KEYS}",
]

# A key is added only when it is not there yet: no conflict clause, so the writing statement's
# own (INSERT OR REPLACE…), which SQLite would apply inside the trigger, cannot matter.
_ADD_KEY = (
    f"INSERT INTO {KEYS} (key) SELECT new.name_key "
    f"WHERE NOT EXISTS (SELECT 1 FROM {KEYS} WHERE key = new.name_key); "
)
SQLITE_ENTRY_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS {KEYS}_on_insert AFTER INSERT ON {ENTRY} BEGIN {_ADD_KEY}END",
    f"CREATE TRIGGER IF NOT EXISTS {KEYS}_on_update AFTER UPDATE OF name_key ON {ENTRY} "
    f"BEGIN {_ADD_KEY}END",
]
SQLITE_CREATE = [
    f"CREATE TABLE {KEYS} (id integer PRIMARY KEY, key text NOT NULL UNIQUE)",
    f"INSERT INTO {KEYS} (key) SELECT DISTINCT name_key FROM {ENTRY} ORDER BY name_key",
    # columnsize=0: no table of each row's size, which only ranking (bm25) reads.
    f"CREATE VIRTUAL TABLE {FTS} USING fts5("
    f"key, content='{KEYS}', content_rowid='id', tokenize='trigram', columnsize=0)",
    f"INSERT INTO {FTS} ({FTS}) VALUES ('rebuild')",
    f"CREATE TRIGGER {FTS}_insert AFTER INSERT ON {KEYS} BEGIN "
    f"INSERT INTO {FTS} (rowid, key) VALUES (new.id, new.key); END",
    f"CREATE TRIGGER {FTS}_delete AFTER DELETE ON {KEYS} BEGIN "
    f"INSERT INTO {FTS} ({FTS}, rowid, key) VALUES ('delete', old.id, old.key); END",
    *SQLITE_ENTRY_TRIGGERS,
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {KEYS}_on_insert",
    f"DROP TRIGGER IF EXISTS {KEYS}_on_update",
    f"DROP TRIGGER IF EXISTS {FTS}_insert",
    f"DROP TRIGGER IF EXISTS {FTS}_delete",
    f"DROP TABLE IF EXISTS {FTS}",
    f"DROP TABLE IF EXISTS {KEYS}",
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for sql in POSTGRES_CREATE:
            schema_editor.execute(sql)
        if _has_trigrams(schema_editor):
            schema_editor.execute(f"CREATE INDEX {GIN} ON {KEYS} USING gin (key gin_trgm_ops)")
        schema_editor.execute(f"DROP INDEX IF EXISTS {OLD.INDEX}")
    elif vendor == "sqlite":
        for sql in OLD.SQLITE_DROP + SQLITE_CREATE:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        for sql in POSTGRES_DROP:
            schema_editor.execute(sql)
    elif vendor == "sqlite":
        for sql in SQLITE_DROP:
            schema_editor.execute(sql)
    OLD.forwards(apps, schema_editor)


def _has_trigrams(schema_editor) -> bool:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = %s", [OLD.EXTENSION])
        return cursor.fetchone() is not None


class Migration(migrations.Migration):
    dependencies = [("awards", "0012_person_merged_into_partial_index")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
