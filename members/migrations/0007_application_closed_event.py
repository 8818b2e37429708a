"""An application's log can say that retention closed it for want of an answer (issue 10)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0006_sign_in_and_consent_changes"),
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
                ],
                max_length=24,
                verbose_name="action",
            ),
        ),
    ]
