"""The outbox read failed first at any size, its troubles counted from small indexes, and
found by address or by what an email is about. On PostgreSQL also: the form of `recipient__iexact` and of the admin's exact search
(UPPER(recipient::text)), and a trigram index for a search by part of `about`. SQLite keeps
plain scans: the embedded mode holds a small network."""

from django.db import migrations, models

EXPRESSION_INDEXES = {
    "outgoing_recipient_upper": "outbox_outgoingemail (UPPER(recipient::text) text_pattern_ops)",
    "outgoing_about_trigram": "outbox_outgoingemail USING gin (UPPER(about::text) gin_trgm_ops)",
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
        ('outbox', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(create_expression_indexes, drop_expression_indexes, elidable=False),
        migrations.AddIndex(
            model_name='outgoingemail',
            index=models.Index(models.Case(models.When(status='failed', then=models.Value(0)), default=models.Value(1), output_field=models.IntegerField()), models.OrderBy(models.F('created_at'), descending=True), models.OrderBy(models.F('id'), descending=True), name='outgoing_failed_first'),
        ),
        migrations.AddIndex(
            model_name='outgoingemail',
            index=models.Index(condition=models.Q(('status', 'failed')), fields=['created_at'], name='outgoing_failed'),
        ),
        migrations.AddIndex(
            model_name='outgoingemail',
            index=models.Index(condition=models.Q(('sends__gt', 1), ('interrupted__gt', 0), _connector='OR'), fields=['created_at'], name='outgoing_sent_twice'),
        ),
    ]
