"""Emailed links name a random token of the application's, signed, not its id (issue 11).

Each existing application is given its own token before the column becomes unique. Links
emailed before this name the id and stop working: a confirmation link lives 14 days at most,
and whoever applies again is sent a fresh one.
"""

import secrets

from django.db import migrations, models

import members.models


def give_each_application_a_token(apps, schema_editor):
    Application = apps.get_model("members", "Application")
    for pk in Application.objects.filter(link_token=None).values_list("pk", flat=True):
        Application.objects.filter(pk=pk).update(link_token=secrets.token_urlsafe(32))


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0007_application_closed_event"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="link_token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(give_each_application_a_token, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="application",
            name="link_token",
            field=models.CharField(
                default=members.models.new_link_token,
                editable=False,
                max_length=64,
                unique=True,
                verbose_name="link token",
            ),
        ),
    ]
