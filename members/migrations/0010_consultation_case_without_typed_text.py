"""The consultant's case no longer holds the diagnosis as the applicant typed it (issue 11):
dropping the column erases it from the cases asked before, and no code can fill it again.
The country may be left out, for a diagnosis that few people share."""

import django_countries.fields
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0009_applied_again_event"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="consultation",
            name="diagnosis_text",
        ),
        migrations.AlterField(
            model_name="consultation",
            name="country",
            field=django_countries.fields.CountryField(
                blank=True,
                help_text=(
                    "Left out when so few people with the diagnosis are known to the network "
                    "that the country could point to one of them."
                ),
                max_length=2,
                verbose_name="country",
            ),
        ),
    ]
