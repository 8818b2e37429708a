"""Deliveries are sent by the one outbox: each delivery's sending state moves to an
outgoing email, which the delivery points to. A delivery claimed by a worker at the time
keeps its claim, as a lease that runs out OUTBOX_LEASE_SECONDS after the claim, so that
the sweep takes it back if that worker is gone."""

import uuid
from datetime import timedelta

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def to_outbox(apps, schema_editor):
    Delivery = apps.get_model("contactlists", "Delivery")
    OutgoingEmail = apps.get_model("outbox", "OutgoingEmail")
    lease = timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    deliveries = Delivery.objects.select_related("person", "contact_list__group").order_by("pk")
    for delivery in deliveries.iterator(chunk_size=2000):
        contact_list = delivery.contact_list
        claimed = delivery.status == "sending"
        email = OutgoingEmail.objects.create(
            kind="contact_list",
            about=f"{contact_list.group.name}, version {contact_list.version}",
            batch=f"contact-list-{contact_list.pk}",
            recipient=delivery.person.email,
            status=delivery.status,
            attempts=delivery.attempts,
            sends=1 if delivery.status == "sent" else 0,
            last_error=delivery.last_error,
            retry_after=delivery.next_attempt_at,
            claim=uuid.uuid4() if claimed else None,
            claimed_at=delivery.claimed_at,
            lease_until=delivery.claimed_at + lease if claimed and delivery.claimed_at else None,
            sent_at=delivery.sent_at,
        )
        # auto_now_add set "now" on create; the sweep reads the age of unsent ones.
        OutgoingEmail.objects.filter(pk=email.pk).update(created_at=contact_list.created_at)
        Delivery.objects.filter(pk=delivery.pk).update(email=email)


def from_outbox(apps, schema_editor):
    Delivery = apps.get_model("contactlists", "Delivery")
    for delivery in Delivery.objects.select_related("email").iterator(chunk_size=2000):
        email = delivery.email
        Delivery.objects.filter(pk=delivery.pk).update(
            status=email.status,
            attempts=email.attempts,
            last_error=email.last_error,
            next_attempt_at=email.retry_after,
            claimed_at=email.claimed_at,
            sent_at=email.sent_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("contactlists", "0002_delivery_superseded"),
        ("outbox", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="delivery",
            name="email",
            field=models.OneToOneField(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="delivery",
                to="outbox.outgoingemail",
                verbose_name="email",
            ),
        ),
        migrations.RunPython(to_outbox, from_outbox),
        migrations.AlterField(
            model_name="delivery",
            name="email",
            field=models.OneToOneField(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="delivery",
                to="outbox.outgoingemail",
                verbose_name="email",
            ),
        ),
        migrations.RemoveIndex(model_name="delivery", name="delivery_by_status"),
        migrations.RemoveField(model_name="delivery", name="attempts"),
        migrations.RemoveField(model_name="delivery", name="claimed_at"),
        migrations.RemoveField(model_name="delivery", name="last_error"),
        migrations.RemoveField(model_name="delivery", name="next_attempt_at"),
        migrations.RemoveField(model_name="delivery", name="sent_at"),
        migrations.RemoveField(model_name="delivery", name="status"),
    ]
