from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('members', '0014_indexes_for_a_million_members'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='consent',
            index=models.Index(fields=['person', 'kind', '-recorded_at', '-id'], name='consent_latest'),
        ),
    ]
