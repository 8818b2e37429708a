"""Indexes for the pages staff use at any size of network. Besides those the models name,
on PostgreSQL: the forms that Django's case-insensitive lookups compare (UPPER(col::text)),
so that finding a person or an application by email, or by name and postal code, reads one
entry and not the table; and trigram indexes on names and typed diagnoses for the admin's
search by part of one. SQLite keeps plain scans: the embedded mode holds a small network."""

from django.conf import settings
from django.db import migrations, models

EXPRESSION_INDEXES = {
    "person_email_upper": "members_person (UPPER(email::text) text_pattern_ops)",
    "person_name_upper": "members_person (UPPER(full_name::text) text_pattern_ops)",
    "person_name_trigram": "members_person USING gin (UPPER(full_name::text) gin_trgm_ops)",
    "application_email_upper": "members_application (UPPER(email::text) text_pattern_ops)",
    "application_name_upper": "members_application (UPPER(full_name::text) text_pattern_ops)",
    "application_name_trigram": (
        "members_application USING gin (UPPER(full_name::text) gin_trgm_ops)"
    ),
    "application_diagnosis_trigram": (
        "members_application USING gin (UPPER(diagnosis_text::text) gin_trgm_ops)"
    ),
}


def create_expression_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, definition in EXPRESSION_INDEXES.items():
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {definition}")


def drop_expression_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in EXPRESSION_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):

    dependencies = [
        ('diagnoses', '0006_proposed_names'),
        ('members', '0013_person_receives_lists_by_post'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(create_expression_indexes, drop_expression_indexes, elidable=False),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['-submitted_at', '-id'], name='application_by_submitted'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['status', 'confirmed_at', 'id'], name='application_by_status'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['phone'], name='application_by_phone'),
        ),
        migrations.AddIndex(
            model_name='application',
            index=models.Index(fields=['country'], name='application_by_country'),
        ),
        migrations.AddIndex(
            model_name='membership',
            index=models.Index(condition=models.Q(('left_at', None)), fields=['group'], name='membership_active'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['full_name', '-id'], name='person_by_name'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['phone'], name='person_by_phone'),
        ),
        migrations.AddIndex(
            model_name='person',
            index=models.Index(fields=['country'], name='person_by_country'),
        ),
    ]
