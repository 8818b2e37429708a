from django.conf import settings
"""Each person's latest record of each consent is marked current, as
members.services.record_consents keeps it from now on."""

from django.db import migrations, models


def mark_current(apps, schema_editor):
    Consent = apps.get_model("members", "Consent")
    newer = Consent.objects.filter(
        person=models.OuterRef("person"), kind=models.OuterRef("kind")
    ).filter(
        models.Q(recorded_at__gt=models.OuterRef("recorded_at"))
        | models.Q(recorded_at=models.OuterRef("recorded_at"), pk__gt=models.OuterRef("pk"))
    )
    Consent.objects.exclude(person=None).update(is_current=~models.Exists(newer))


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0015_latest_consent_per_person'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='consent',
            name='is_current',
            field=models.BooleanField(default=False, editable=False, verbose_name='current'),
        ),
        migrations.RunPython(mark_current, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name='consent',
            index=models.Index(condition=models.Q(('is_current', True)), fields=['kind', 'given', 'person'], name='consent_current'),
        ),
    ]
