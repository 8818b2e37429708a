"""Meetups in admin: the meetup with its counts, invitations and downloads; the
registrations with what each household needs; and each person's registrations on their page."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q, Sum
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import content_disposition_header
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accesslog import services as accesslog
from accesslog.admin import AccessLoggedAdmin
from mailings import translated
from mailings.admin import show_on_person_page
from members.consents import ConsentKind
from members.models import Person

from . import exports, services
from .models import Event, Registration

EVENT_TEXTS = {
    "title": (_("title"), lambda: forms.CharField(max_length=200)),
    "description": (
        _("description"),
        lambda: forms.CharField(widget=forms.Textarea(attrs={"rows": 8})),
    ),
    "price_note": (_("price"), lambda: forms.CharField(max_length=300)),
}


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["starts_at", "place", "capacity", "registration_deadline", "reminder_days"]

    def clean(self):
        cleaned = super().clean()
        starts, deadline = cleaned.get("starts_at"), cleaned.get("registration_deadline")
        if starts and deadline and deadline > starts:
            self.add_error(
                "registration_deadline", _("The deadline must come before the meetup starts.")
            )
        return cleaned


def as_download(content: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "no-store"
    return response


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "place",
        "capacity",
        "people_registered",
        "waiting",
        "registration_deadline",
    ]
    change_form_template = "admin/meetups/event/change_form.html"

    def get_queryset(self, request):
        confirmed = Q(registrations__status=Registration.Status.CONFIRMED)
        return (
            super()
            .get_queryset(request)
            .annotate(
                people_total=Sum(
                    F("registrations__adults") + F("registrations__children"), filter=confirmed
                ),
                waiting_total=Count(
                    "registrations",
                    filter=Q(registrations__status=Registration.Status.WAITING),
                ),
            )
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = translated.translated_form(EventForm, EVENT_TEXTS)
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        sets = [
            (
                None,
                {
                    "fields": [
                        "starts_at",
                        "place",
                        "capacity",
                        "registration_deadline",
                        "reminder_days",
                    ]
                },
            ),
            *translated.fieldsets(EVENT_TEXTS),
        ]
        if obj is not None:
            sets.insert(0, (_("Registrations"), {"fields": ["summary", "downloads"]}))
        return sets

    def get_readonly_fields(self, request, obj=None):
        return ["summary", "downloads"] if obj is not None else []

    @admin.display(description=_("people registered"), ordering="people_total")
    def people_registered(self, event):
        return event.people_total or 0

    @admin.display(description=_("on the waiting list"), ordering="waiting_total")
    def waiting(self, event):
        return event.waiting_total

    @admin.display(description=_("summary"))
    def summary(self, event):
        counts = services.counts(event)
        registrations = (
            reverse("admin:meetups_registration_changelist") + f"?event__id__exact={event.pk}"
        )
        return format_html(
            "{}: {} · {}: {} ({} {}, {} {}) · {}: {} · {}: {} · {}: {} · {}: {} · {}: {}"
            '<br><a href="{}">{}</a>',
            _("invited"),
            counts["invited"],
            _("registered"),
            counts["confirmed"],
            counts["adults"],
            _("adults"),
            counts["children"],
            _("children"),
            _("free places"),
            max(event.capacity - counts["adults"] - counts["children"], 0),
            _("waiting"),
            counts["waiting"],
            _("no answer yet"),
            counts["unanswered"],
            _("with dietary needs"),
            counts["dietary"],
            _("with accessibility needs"),
            counts["accessibility"],
            registrations,
            _("each registration, with its needs"),
        )

    @admin.display(description=_("downloads"))
    def downloads(self, event):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:meetups_event_participants_xlsx", args=[event.pk]),
            _("participants (xlsx)"),
            reverse("admin:meetups_event_participants_csv", args=[event.pk]),
            _("participants (CSV)"),
            reverse("admin:meetups_event_badges", args=[event.pk]),
            _("name badges (PDF)"),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<path:object_id>/invite/", view(self.invite_view), name="meetups_event_invite"),
            path(
                "<path:object_id>/participants.xlsx",
                view(self.participants_view),
                {"extension": "xlsx"},
                name="meetups_event_participants_xlsx",
            ),
            path(
                "<path:object_id>/participants.csv",
                view(self.participants_view),
                {"extension": "csv"},
                name="meetups_event_participants_csv",
            ),
            path(
                "<path:object_id>/badges.pdf", view(self.badges_view), name="meetups_event_badges"
            ),
            *super().get_urls(),
        ]

    def _event(self, request, object_id, permission: str = "view") -> Event:
        event = self.get_object(request, unquote(object_id))
        if event is None:
            raise Http404
        allowed = getattr(self, f"has_{permission}_permission")(request, event)
        if not allowed:
            raise PermissionDenied
        return event

    def invite_view(self, request, object_id):
        event = self._event(request, object_id, "change")
        if request.method == "POST":
            count = services.invite(event, by=request.user)
            self.message_user(
                request,
                ngettext("%d invitation sent.", "%d invitations sent.", count) % count,
                messages.SUCCESS,
            )
            return redirect("admin:meetups_event_change", event.pk)
        uninvited = (
            Person.objects.with_consent(ConsentKind.MEETUPS)
            .exclude(email="")
            .exclude(meetup_registrations__event=event)
            .count()
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Send invitations"),
            "event": event,
            "count": uninvited,
        }
        return TemplateResponse(request, "admin/meetups/event/invite.html", context)

    def _log_export(self, request, registrations):
        for registration in registrations:
            accesslog.record(
                request.user,
                accesslog.Action.EXPORTED,
                "person",
                registration.person.pseudonym,
                note="meetup participants",
            )

    def participants_view(self, request, object_id, extension):
        event = self._event(request, object_id)
        registrations = exports.participants(event)
        self._log_export(request, registrations)
        name = f"participants-{event.starts_at:%Y-%m-%d}.{extension}"
        if extension == "csv":
            return as_download(exports.participants_csv(registrations), "text/csv", name)
        return as_download(
            exports.participants_xlsx(registrations),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            name,
        )

    def badges_view(self, request, object_id):
        event = self._event(request, object_id)
        registrations = [
            r for r in exports.participants(event) if r.status == Registration.Status.CONFIRMED
        ]
        self._log_export(request, registrations)
        return as_download(
            exports.badges_pdf(event, registrations),
            "application/pdf",
            f"badges-{event.starts_at:%Y-%m-%d}.pdf",
        )


class NeedsFilter(admin.SimpleListFilter):
    title = _("needs")
    parameter_name = "needs"

    def lookups(self, request, model_admin):
        return [
            ("dietary", _("dietary needs")),
            ("accessibility", _("accessibility needs")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "dietary":
            return queryset.exclude(dietary_needs="")
        if self.value() == "accessibility":
            return queryset.exclude(accessibility_needs="")
        return queryset


@admin.register(Registration)
class RegistrationAdmin(AccessLoggedAdmin):
    """Registrations as the members made them; staff cancel one (the waiting list then
    moves up) but change none: the member's own link does that, and keeps the count right."""

    list_display = [
        "person",
        "event",
        "status",
        "adults",
        "children",
        "dietary_needs",
        "accessibility_needs",
        "note",
        "waiting_since",
    ]
    list_filter = ["event", "status", NeedsFilter]
    list_select_related = ["person", "event"]
    search_fields = ["person__full_name", "person__email"]
    readonly_fields = [
        "event",
        "person",
        "status",
        "adults",
        "children",
        "dietary_needs",
        "accessibility_needs",
        "note",
        "invited_at",
        "answered_at",
        "confirmed_at",
        "waiting_since",
        "cancelled_at",
        "reminded_at",
    ]
    actions = ["cancel_registrations"]

    def access_subject(self, registration):
        return "person", registration.person.pseudonym

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(
        description=_("Cancel (the waiting list moves up, with an email)"),
        permissions=["change"],
    )
    def cancel_registrations(self, request, queryset):
        for registration in queryset:
            services.cancel(registration, by=request.user)
        self.message_user(
            request,
            ngettext("%d registration cancelled.", "%d registrations cancelled.", len(queryset))
            % len(queryset),
            messages.SUCCESS,
        )


@admin.display(description=_("meetup registrations"))
def registrations_panel(person):
    registrations = (
        Registration.objects.filter(person=person).select_related("event").order_by("-pk")
    )
    rows = [
        (
            registration.event,
            registration.get_status_display(),
            registration.adults,
            _("adults"),
            registration.children,
            _("children"),
        )
        for registration in registrations
    ]
    if not rows:
        return _("none")
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{} · {} · {} {}, {} {}</li>", rows))


show_on_person_page(registrations_panel)
