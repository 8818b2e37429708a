"""Mailings and the online group in admin; and, on each person's page, the mailings meant
for them and where they stand with the online group."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from members.admin import FoundPeopleSortedByName
from members.consents import ConsentKind
from members.models import Consent, Person, language_choices
from outbox.models import OutgoingEmail

from . import services, translated
from .models import Mailing, MailingRecipient, OnlineGroupMember, OnlineGroupStatus

MAILING_TEXTS = {
    "subject": (_("subject"), lambda: forms.CharField(max_length=200)),
    "body": (_("text"), lambda: forms.CharField(widget=forms.Textarea(attrs={"rows": 14}))),
}


class MailingForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("only people who read these languages"),
        choices=language_choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Empty: every language."),
    )

    class Meta:
        model = Mailing
        fields = ["groups", "countries", "languages"]


def count_of(recipients) -> Coalesce:
    counted = recipients.order_by().values("mailing").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


@admin.register(Mailing)
class MailingAdmin(admin.ModelAdmin):
    list_display = [
        "__str__",
        "status",
        "created_at",
        "send_started_at",
        "recipient_count",
        "sent",
        "failed",
    ]
    list_filter = ["status"]
    change_form_template = "admin/mailings/mailing/change_form.html"

    def get_queryset(self, request):
        # Counted for each mailing shown, not over every recipient of every mailing.
        recipients = MailingRecipient.objects.filter(mailing=OuterRef("pk"))
        return (
            super()
            .get_queryset(request)
            .annotate(
                recipient_total=count_of(recipients),
                sent_total=count_of(recipients.filter(email__status=OutgoingEmail.Status.SENT)),
                failed_total=count_of(recipients.filter(email__status=OutgoingEmail.Status.FAILED)),
            )
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = translated.translated_form(MailingForm, MAILING_TEXTS)
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        audience = (_("Who receives it"), {"fields": ["groups", "countries", "languages"]})
        if obj is None or obj.status == Mailing.Status.DRAFT:
            sets = [*translated.fieldsets(MAILING_TEXTS), audience]
            if obj is not None:
                sets.append((_("Before sending"), {"fields": ["audience_count"]}))
            return sets
        return [
            (None, {"fields": ["status", "send_started_at", "sent_by", "progress"]}),
            (_("What was sent"), {"fields": ["written_texts", "groups", "countries", "languages"]}),
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None or obj.status == Mailing.Status.DRAFT:
            return ["audience_count"]
        return [
            "status",
            "send_started_at",
            "sent_by",
            "progress",
            "written_texts",
            "groups",
            "countries",
            "languages",
        ]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        # A mailing that went out stays, as the record of who was sent what.
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.status == Mailing.Status.DRAFT
        )

    @admin.display(description=_("recipients"))
    def recipient_count(self, mailing):
        return mailing.recipient_total

    @admin.display(description=_("sent"))
    def sent(self, mailing):
        return mailing.sent_total

    @admin.display(description=_("failed"))
    def failed(self, mailing):
        return mailing.failed_total

    @admin.display(description=_("receives it if sent now"))
    def audience_count(self, mailing):
        count = services.audience(mailing).count()
        return ngettext(
            "%(count)d person (as last saved)", "%(count)d people (as last saved)", count
        ) % {"count": count}

    @admin.display(description=_("texts"))
    def written_texts(self, mailing):
        return format_html(
            "{}",
            " · ".join(
                f"{code}: {texts.get('subject', '')}"
                for code, texts in sorted(mailing.texts.items())
            ),
        )

    @admin.display(description=_("progress"))
    def progress(self, mailing):
        counts = services.progress(mailing)
        url = (
            reverse("admin:mailings_mailingrecipient_changelist")
            + f"?mailing__id__exact={mailing.pk}"
        )
        return format_html(
            '{}: {} · {}: {} · {}: {} · {}: {} · {}: {} · {}: {} · <a href="{}">{}</a>',
            _("recipients"),
            counts["total"],
            _("waiting to be queued"),
            counts["pending"],
            _("in the outbox"),
            counts["queued"],
            _("sent"),
            counts["sent"],
            _("failed"),
            counts["failed"],
            _("not sent: consent withdrawn"),
            counts["skipped"] + counts["cancelled"],
            url,
            _("each recipient's status"),
        )

    def response_change(self, request, obj):
        if "_send_test" in request.POST:
            try:
                count = services.send_test(obj, by=request.user)
            except services.MailingRefused as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "A test is on its way to %(address)s.",
                        "%(count)d tests (one per language written) are on their way to "
                        "%(address)s.",
                        count,
                    )
                    % {"count": count, "address": request.user.email},
                    messages.SUCCESS,
                )
            return redirect(request.path)
        if "_review_send" in request.POST:
            return redirect("admin:mailings_mailing_send", obj.pk)
        return super().response_change(request, obj)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/send/",
                self.admin_site.admin_view(self.send_view),
                name="mailings_mailing_send",
            ),
            *super().get_urls(),
        ]

    def send_view(self, request, object_id):
        """The exact count and the audience, then the button that sends."""
        mailing = self.get_object(request, unquote(object_id))
        if mailing is None:
            raise Http404
        if not self.has_change_permission(request, mailing):
            raise PermissionDenied
        if request.method == "POST":
            try:
                count = services.send_mailing(mailing, by=request.user)
            except services.MailingRefused as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
            else:
                self.message_user(
                    request,
                    ngettext(
                        "The mailing is being sent to %(count)d person.",
                        "The mailing is being sent to %(count)d people.",
                        count,
                    )
                    % {"count": count},
                    messages.SUCCESS,
                )
            return redirect("admin:mailings_mailing_change", mailing.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Send this mailing"),
            "mailing": mailing,
            "count": services.audience(mailing).count(),
            "groups": list(mailing.groups.all()),
        }
        return TemplateResponse(request, "admin/mailings/mailing/send.html", context)


@admin.register(MailingRecipient)
class MailingRecipientAdmin(admin.ModelAdmin):
    list_display = [
        "person",
        "language",
        "mailing",
        "state",
        "email_status",
        "sent_at",
        "last_error",
    ]
    list_filter = ["mailing", "state", "email__status"]
    list_select_related = ["person", "mailing", "email"]
    search_fields = ["person__full_name", "=person__email"]
    show_full_result_count = False

    def get_queryset(self, request):
        return super().get_queryset(request).defer("email__text", "email__html")

    @admin.display(description=_("language"))
    def language(self, recipient):
        return recipient.person.language

    @admin.display(description=_("email"), ordering="email__status")
    def email_status(self, recipient):
        if recipient.email is None:
            return "–"
        url = reverse("admin:outbox_outgoingemail_change", args=[recipient.email_id])
        return format_html('<a href="{}">{}</a>', url, recipient.email.get_status_display())

    @admin.display(description=_("sent"))
    def sent_at(self, recipient):
        return recipient.email.sent_at if recipient.email else None

    @admin.display(description=_("last error"))
    def last_error(self, recipient):
        return recipient.email.last_error if recipient.email else ""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# The online group.

TO_BE_REMOVED = "to_be_removed"
NOT_INVITED = "not_invited"


class OnlineGroupFilter(admin.SimpleListFilter):
    title = _("online group")
    parameter_name = "online_group"

    def lookups(self, request, model_admin):
        return [
            (NOT_INVITED, _("consents, not invited yet")),
            *OnlineGroupStatus.Status.choices,
            (TO_BE_REMOVED, _("to be removed from the online group")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == NOT_INVITED:
            return queryset.filter(consents_now=True, online_group__isnull=True)
        if value == TO_BE_REMOVED:
            return queryset.filter(to_be_removed=True)
        if value in OnlineGroupStatus.Status.values:
            return queryset.filter(online_group__status=value)
        return queryset


def consenting_to_online_group():
    return Consent.objects.filter(kind=ConsentKind.ONLINE_GROUP, is_current=True, given=True)


class CountedApartPaginator(Paginator):
    """A paginator told how many rows there are by a cheaper query than counting its
    own queryset."""

    def __init__(self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, count):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self._count = count

    @cached_property
    def count(self) -> int:
        return self._count()


@admin.register(OnlineGroupMember)
class OnlineGroupAdmin(FoundPeopleSortedByName, admin.ModelAdmin):
    """Everyone who consents to the online group or was invited to it, with what staff
    recorded. Someone in the group (or invited) who has since withdrawn the consent shows as
    "to be removed"; staff remove them in the group, then record it here."""

    list_display = [
        "person_link",
        "email",
        "consent",
        "status",
        "invited_at",
        "invitations",
        "joined_at",
        "declined_at",
        "removed_at",
    ]
    list_display_links = None
    list_filter = [OnlineGroupFilter]
    search_fields = ["full_name", "=email"]
    show_full_result_count = False
    actions = ["invite", "record_joined", "record_declined", "record_removed"]

    def get_queryset(self, request):
        active = [OnlineGroupStatus.Status.INVITED, OnlineGroupStatus.Status.JOINED]
        consenting = consenting_to_online_group()
        # Checked person by person along the name index, one probe each, until a page is
        # full: an IN over the hundreds of thousands who consent, ORed with the statuses,
        # cannot be hashed in PostgreSQL's memory and would be read again for each person.
        return (
            super()
            .get_queryset(request)
            .select_related("online_group")
            .annotate(consents_now=Exists(consenting.filter(person=OuterRef("pk"))))
            .filter(
                Q(consents_now=True)
                | Exists(OnlineGroupStatus.objects.filter(person=OuterRef("pk")))
            )
            .annotate(
                to_be_removed=ExpressionWrapper(
                    Q(online_group__status__in=active) & Q(consents_now=False),
                    output_field=BooleanField(),
                )
            )
        )

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        """Everyone the page concerns, and those not invited yet, counted from the index of
        current consents and the statuses: counting the page's own query would check each
        of a million people."""
        if request.GET.get("q"):
            return super().get_paginator(
                request, queryset, per_page, orphans, allow_empty_first_page
            )
        consenting = consenting_to_online_group()
        has_status = Exists(OnlineGroupStatus.objects.filter(person=OuterRef("person")))
        value = request.GET.get(OnlineGroupFilter.parameter_name)
        if value is None:
            not_consenting = OnlineGroupStatus.objects.exclude(
                Exists(consenting.filter(person=OuterRef("person")))
            )

            def count() -> int:
                return consenting.count() + not_consenting.count()

        elif value == NOT_INVITED:
            count = consenting.exclude(has_status).count
        else:
            return super().get_paginator(
                request, queryset, per_page, orphans, allow_empty_first_page
            )
        return CountedApartPaginator(
            queryset, per_page, orphans, allow_empty_first_page, count=count
        )

    def _status(self, person):
        return person.online_group if hasattr(person, "online_group") else None

    @admin.display(description=_("person"), ordering="full_name")
    def person_link(self, person):
        url = reverse("admin:members_person_change", args=[person.pk])
        return format_html('<a href="{}">{}</a>', url, person.full_name)

    @admin.display(description=_("consent"), boolean=True)
    def consent(self, person):
        return bool(person.consents_now)

    @admin.display(description=_("status"))
    def status(self, person):
        row = self._status(person)
        if person.to_be_removed:
            return format_html("<strong>{}</strong>", _("to be removed from the online group"))
        return row.get_status_display() if row else _("not invited yet")

    @admin.display(description=_("last invited"))
    def invited_at(self, person):
        row = self._status(person)
        return row.invited_at if row else None

    @admin.display(description=_("invitations sent"))
    def invitations(self, person):
        row = self._status(person)
        return row.invitations if row else 0

    @admin.display(description=_("joined"))
    def joined_at(self, person):
        row = self._status(person)
        return row.joined_at if row else None

    @admin.display(description=_("declined"))
    def declined_at(self, person):
        row = self._status(person)
        return row.declined_at if row else None

    @admin.display(description=_("removed"))
    def removed_at(self, person):
        row = self._status(person)
        return row.removed_at if row else None

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Send the invitation (again)"), permissions=["change"])
    def invite(self, request, queryset):
        invited = 0
        for person in queryset:
            try:
                services.invite_to_online_group(person, by=request.user)
            except services.OnlineGroupRefused as refusal:
                self.message_user(request, str(refusal), messages.WARNING)
            else:
                invited += 1
        self.message_user(
            request,
            ngettext("%d invitation sent.", "%d invitations sent.", invited) % invited,
            messages.SUCCESS,
        )

    def _record(self, request, queryset, status):
        for person in queryset:
            services.record_online_group(person, status, by=request.user)
        self.message_user(
            request,
            ngettext("%d person recorded.", "%d people recorded.", len(queryset)) % len(queryset),
            messages.SUCCESS,
        )

    @admin.action(description=_("Record: joined the group"), permissions=["change"])
    def record_joined(self, request, queryset):
        self._record(request, queryset, OnlineGroupStatus.Status.JOINED)

    @admin.action(description=_("Record: declined"), permissions=["change"])
    def record_declined(self, request, queryset):
        self._record(request, queryset, OnlineGroupStatus.Status.DECLINED)

    @admin.action(description=_("Record: removed from the group"), permissions=["change"])
    def record_removed(self, request, queryset):
        self._record(request, queryset, OnlineGroupStatus.Status.REMOVED)


# On each person's page: read-only panels, not inlines, so that the person's form (which
# the members app owns) posts nothing of this app's.


@admin.display(description=_("information mailings"))
def mailings_panel(person):
    recipients = (
        MailingRecipient.objects.filter(person=person)
        .select_related("mailing", "email")
        .defer("email__text", "email__html")
        .order_by("-pk")
    )
    rows = [
        (
            recipient.mailing,
            recipient.get_state_display(),
            recipient.email.get_status_display() if recipient.email else "–",
            recipient.updated_at.strftime("%Y-%m-%d"),
        )
        for recipient in recipients
    ]
    if not rows:
        return _("none")
    return format_html("<ul>{}</ul>", format_html_join("", "<li>{} · {} · {} · {}</li>", rows))


@admin.display(description=_("online group"))
def online_group_panel(person):
    row = OnlineGroupStatus.objects.filter(person=person).first()
    if row is None:
        return _("not invited")
    dates = [
        (label, value.strftime("%Y-%m-%d"))
        for label, value in [
            (_("last invited"), row.invited_at),
            (_("joined"), row.joined_at),
            (_("declined"), row.declined_at),
            (_("removed"), row.removed_at),
        ]
        if value
    ]
    withdrawn = row.status in (
        OnlineGroupStatus.Status.INVITED,
        OnlineGroupStatus.Status.JOINED,
    ) and not services.consents_to_online_group(person)
    return format_html(
        "{}{}{}",
        row.get_status_display(),
        format_html_join("", " · {}: {}", dates),
        format_html(" · <strong>{}</strong>", _("to be removed from the online group"))
        if withdrawn
        else "",
    )


def show_on_person_page(*panels) -> None:
    """Add these read-only panels to the person's page in admin, which the members app owns
    and which must not import this app."""
    person_admin = type(admin.site.get_model_admin(Person))
    person_admin.readonly_fields = [*person_admin.readonly_fields, *panels]


show_on_person_page(mailings_panel, online_group_panel)
