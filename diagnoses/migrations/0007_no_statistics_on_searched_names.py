"""No planner statistics on the two columns the catalogue search reads by trigrams.

To estimate a `%>` condition, PostgreSQL works out the word similarity of the query to every
value in the column's statistics (up to 200 names): about 4 ms of planning for a misspelt
name of 60 letters, a fifth of the whole search. The search sets its own plan (the trigram
indexes, diagnoses/search.py), so it needs no estimate; with none, planning takes a
fraction of a millisecond.
"""

from django.db import migrations

COLUMNS = ("match_text", "search_text")


def drop_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"ALTER TABLE diagnoses_diagnosis ALTER COLUMN {column} SET STATISTICS 0"
        )


def keep_statistics(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(
            f"ALTER TABLE diagnoses_diagnosis ALTER COLUMN {column} SET STATISTICS -1"
        )


class Migration(migrations.Migration):

    dependencies = [
        ("diagnoses", "0006_proposed_names"),
    ]

    operations = [
        migrations.RunPython(drop_statistics, keep_statistics, elidable=False),
    ]
