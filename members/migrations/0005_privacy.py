"""What members choose to share, pseudonyms for the access log, and memberships that
outlive an erased member as anonymous counts."""

import django.db.models.deletion
import uuid
from django.db import migrations, models


def give_pseudonyms(model_name):
    """Each existing row its own pseudonym (a callable default would give them all one)."""

    def give(apps, schema_editor):
        model = apps.get_model("members", model_name)
        for pk in model.objects.values_list("pk", flat=True):
            model.objects.filter(pk=pk).update(pseudonym=uuid.uuid4())

    return give


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_applicant_emails_in_the_outbox"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="person",
            name="share_email",
        ),
        migrations.AddField(
            model_name="application",
            name="pseudonym",
            field=models.UUIDField(null=True, editable=False, verbose_name="pseudonym"),
        ),
        migrations.RunPython(give_pseudonyms("application"), migrations.RunPython.noop),
        migrations.AlterField(
            model_name="application",
            name="pseudonym",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="pseudonym"
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="pseudonym",
            field=models.UUIDField(null=True, editable=False, verbose_name="pseudonym"),
        ),
        migrations.RunPython(give_pseudonyms("person"), migrations.RunPython.noop),
        migrations.AlterField(
            model_name="person",
            name="pseudonym",
            field=models.UUIDField(
                default=uuid.uuid4, editable=False, unique=True, verbose_name="pseudonym"
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="share_birth_year",
            field=models.BooleanField(default=False, verbose_name="share birth year"),
        ),
        migrations.AddField(
            model_name="person",
            name="share_relationship",
            field=models.BooleanField(
                default=True, verbose_name="share relationship to the diagnosis"
            ),
        ),
        migrations.AlterField(
            model_name="application",
            name="status",
            field=models.CharField(
                choices=[
                    ("unconfirmed", "email not yet confirmed"),
                    ("awaiting_review", "awaiting review"),
                    ("awaiting_information", "waiting for the applicant's answer"),
                    ("approved", "approved"),
                    ("referred", "referred to an association"),
                    ("rejected", "rejected"),
                    ("closed", "closed: no answer from the applicant"),
                ],
                default="unconfirmed",
                max_length=20,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="membership",
            name="person",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="memberships",
                to="members.person",
                verbose_name="person",
            ),
        ),
    ]
