"""Emails to applicants are sent by the one outbox: each event's email moves, with its
history (sent, waiting, retrying or failed), to an outgoing email the event points to."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import members.models

# The old email states and the outbox's.
STATUSES = {"pending": "queued", "sent": "sent", "failed": "failed"}


def to_outbox(apps, schema_editor):
    ApplicationEvent = apps.get_model("members", "ApplicationEvent")
    OutgoingEmail = apps.get_model("outbox", "OutgoingEmail")
    events = ApplicationEvent.objects.exclude(email_status="").order_by("pk")
    for event in events.iterator(chunk_size=2000):
        email = OutgoingEmail.objects.create(
            kind="applicant",
            about=f"Application {event.application_id}: {event.action}",
            batch=uuid.uuid4().hex,
            recipient=event.email_to,
            subject=event.email_subject,
            text=event.email_text,
            html=event.email_html,
            status=STATUSES[event.email_status],
            attempts=event.email_attempts,
            sends=1 if event.email_status == "sent" else 0,
            last_error=event.email_error,
            retry_after=event.email_next_attempt_at,
            sent_at=event.email_sent_at,
        )
        # auto_now_add set "now" on create; the sweep reads the age of unsent ones.
        OutgoingEmail.objects.filter(pk=email.pk).update(created_at=event.at)
        ApplicationEvent.objects.filter(pk=event.pk).update(email=email)


def from_outbox(apps, schema_editor):
    ApplicationEvent = apps.get_model("members", "ApplicationEvent")
    statuses = {new: old for old, new in STATUSES.items()}
    for event in ApplicationEvent.objects.exclude(email=None).select_related("email"):
        email = event.email
        ApplicationEvent.objects.filter(pk=event.pk).update(
            email_to=email.recipient,
            email_subject=email.subject,
            email_text=email.text,
            email_html=email.html,
            email_status=statuses.get(email.status, "failed"),
            email_attempts=email.attempts,
            email_error=email.last_error,
            email_next_attempt_at=email.retry_after,
            email_sent_at=email.sent_at,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_referral_information_consultation"),
        ("outbox", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="applicationevent",
            name="email",
            field=models.OneToOneField(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="application_event",
                to="outbox.outgoingemail",
                verbose_name="email",
            ),
        ),
        migrations.RunPython(to_outbox, from_outbox),
        migrations.RemoveField(
            model_name="applicationevent",
            name="email_attempts",
        ),
        migrations.RemoveField(
            model_name="applicationevent",
            name="email_error",
        ),
        migrations.RemoveField(
            model_name="applicationevent",
            name="email_html",
        ),
        migrations.RemoveField(
            model_name="applicationevent",
            name="email_next_attempt_at",
        ),
        migrations.RemoveField(
            model_name="applicationevent",
            name="email_sent_at",
        ),
        migrations.RemoveField(
            model_name="applicationevent",
            name="email_status",
        ),
        migrations.RemoveField(
            model_name="applicationevent",
            name="email_subject",
        ),
        migrations.RemoveField(
            model_name="applicationevent",
            name="email_text",
        ),
        migrations.RemoveField(
            model_name="applicationevent",
            name="email_to",
        ),
        migrations.AddField(
            model_name="membership",
            name="ended_by",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty when the member left by themselves.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="ended by",
            ),
        ),
        migrations.AddField(
            model_name="person",
            name="details_changed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="details last changed"),
        ),
        migrations.AddField(
            model_name="person",
            name="details_changed_by",
            field=models.ForeignKey(
                blank=True,
                help_text="Empty when the member changed them.",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="details last changed by",
            ),
        ),
        migrations.AlterField(
            model_name="application",
            name="language",
            field=models.CharField(
                choices=members.models.language_choices,
                default=members.models.default_language,
                max_length=8,
                verbose_name="language",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="language",
            field=models.CharField(
                choices=members.models.language_choices,
                default=members.models.default_language,
                max_length=8,
                verbose_name="language",
            ),
        ),
    ]
