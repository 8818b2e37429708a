"""Trigram index for typo-tolerant search, on PostgreSQL only.

SQLite keeps the plain LIKE search, so this migration does nothing there.
"""

from django.db import migrations

INDEX = "diagnoses_diagnosis_search_text_trgm"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension (PostgreSQL 13+): the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON diagnoses_diagnosis "
        "USING gin (search_text gin_trgm_ops)"
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # The extension stays: other database objects may use it.
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("diagnoses", "0002_orphanet_catalogue"),
    ]

    operations = [
        migrations.RunPython(create_index, drop_index, elidable=False),
    ]
