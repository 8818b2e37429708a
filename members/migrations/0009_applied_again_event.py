"""An application's log notes when someone applies again with its email address for its
diagnosis (issue 11): the visitor is answered as for a new application, and staff see it."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0008_random_link_tokens"),
    ]

    operations = [
        migrations.AlterField(
            model_name="applicationevent",
            name="action",
            field=models.CharField(
                choices=[
                    ("submitted", "submitted"),
                    ("confirmed", "email confirmed"),
                    ("approved", "approved"),
                    ("referred", "referred to an association"),
                    ("rejected", "rejected"),
                    ("information_requested", "asked for more information"),
                    ("information_received", "applicant answered"),
                    ("consultant_asked", "asked the medical consultant"),
                    ("consultant_answered", "medical consultant answered"),
                    ("closed", "closed: no answer from the applicant"),
                    ("applied_again", "applied again with the same email address"),
                ],
                max_length=24,
                verbose_name="action",
            ),
        ),
    ]
