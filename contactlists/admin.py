from __future__ import annotations

from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.db.models import Count, Func, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from accesslog import services as accesslog
from diagnoses.admin_filters import GroupNameFilter, group_name_filter
from outbox.models import OutgoingEmail

from . import services
from .letters import letters_pdf
from .models import ContactList, Delivery, Letter


class DeliveryInline(admin.TabularInline):
    """A version's deliveries, a page at a time: a group of thousands would otherwise put
    thousands of rows on one page. The page is chosen with ?deliveries=N."""

    model = Delivery
    fields = readonly_fields = (
        "person",
        "is_welcome",
        "status",
        "attempts",
        "last_error",
        "sent_at",
        "outgoing",
    )
    extra = 0
    can_delete = False
    template = "admin/edit_inline/records.html"
    # Each row is seven read-only fields to render: fifty keep the page well under a
    # tenth of a second's rendering.
    per_page = 50
    page_parameter = "deliveries"

    def get_queryset(self, request):
        # The list itself is the page's object: each row needs only its recipient and email.
        return (
            super()
            .get_queryset(request)
            .select_related("person", "email", "letter__posted_by")
            .defer("email__text", "email__html")
            .order_by("person__full_name", "pk")
        )

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        inline = self

        class OnePageOfDeliveries(formset):
            def get_queryset(self):
                if not hasattr(self, "page"):
                    paginator = Paginator(super().get_queryset(), inline.per_page)
                    self.page = paginator.get_page(request.GET.get(inline.page_parameter))
                    self.page_parameter = inline.page_parameter
                return self.page.object_list

        return OnePageOfDeliveries

    def has_add_permission(self, request, obj=None):
        return False

    # A delivery by post has a letter instead of an email: its status is the letter's.
    @admin.display(description=_("status"))
    def status(self, delivery):
        if delivery.email is not None:
            return delivery.email.get_status_display()
        letter = delivery.letter
        if letter.posted_at:
            return _("by post: posted on %(date)s by %(user)s") % {
                "date": formats.date_format(timezone.localtime(letter.posted_at), "DATE_FORMAT"),
                "user": letter.posted_by.get_username() if letter.posted_by else "-",
            }
        if letter.superseded_at:
            return _("by post: replaced by a newer version")
        return _("by post: waiting to be posted")

    @admin.display(description=_("attempts"))
    def attempts(self, delivery):
        return delivery.email.attempts if delivery.email else "-"

    @admin.display(description=_("last error"))
    def last_error(self, delivery):
        return delivery.email.last_error if delivery.email else ""

    @admin.display(description=_("sent"))
    def sent_at(self, delivery):
        return delivery.email.sent_at if delivery.email else delivery.letter.posted_at

    @admin.display(description=_("outgoing email"))
    def outgoing(self, delivery):
        if delivery.email is None:
            url = reverse("admin:contactlists_letter_changelist")
            return format_html(
                '<a href="{}?id={}">{}</a>', url, delivery.letter.pk, _("by post: the letter")
            )
        url = reverse("admin:outbox_outgoingemail_change", args=[delivery.email_id])
        return format_html('<a href="{}">{}</a>', url, _("details, send again"))


class EntryCount(Func):
    """How many entries a version's list holds, counted in the database: a page of
    versions then reads no list."""

    function = "jsonb_array_length"
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="json_array_length", **extra_context)


def deliveries_with_status(status: str) -> Coalesce:
    """How many of a version's emails have this status: a subquery per version shown, so
    that a page of 100 versions counts their own deliveries, not every delivery there is."""
    counted = (
        Delivery.objects.filter(contact_list=OuterRef("pk"), email__status=status)
        .order_by()
        .values("contact_list")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


@admin.register(ContactList)
class ContactListAdmin(admin.ModelAdmin):
    list_display = ["group", "version", "created_at", "member_count", "sent", "failed"]
    list_filter = [GroupNameFilter]
    list_select_related = ["group"]
    search_fields = ["group__name"]
    readonly_fields = ["group", "version", "created_at", "member_count", "sent", "failed"]
    exclude = ["entries"]
    inlines = [DeliveryInline]
    # Counting every version of every group is not worth a query on each page.
    show_full_result_count = False

    def get_queryset(self, request):
        # The entries are the list itself (hundreds of KB for a large group): the pages
        # show only how many there are, counted by the database.
        return (
            super()
            .get_queryset(request)
            .defer("entries")
            .annotate(
                entry_total=EntryCount("entries"),
                delivered=deliveries_with_status(OutgoingEmail.Status.SENT),
                undeliverable=deliveries_with_status(OutgoingEmail.Status.FAILED),
            )
        )

    @admin.display(description=_("members"))
    def member_count(self, contact_list):
        return contact_list.entry_total

    @admin.display(description=_("sent"))
    def sent(self, contact_list):
        return contact_list.delivered

    @admin.display(description=_("failed"))
    def failed(self, contact_list):
        return contact_list.undeliverable

    def has_add_permission(self, request):
        return False


class LetterStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("to_post", _("to post")),
            ("posted", _("posted")),
            ("superseded", _("replaced by a newer version")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "to_post":
            return queryset.to_post()
        if self.value() == "posted":
            return queryset.exclude(posted_at=None)
        if self.value() == "superseded":
            return queryset.filter(posted_at=None).exclude(superseded_at=None)
        return queryset


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    """The print queue: the contact lists of members who receive them by post."""

    list_display = ["group", "member", "version", "created_at", "posted_at", "state"]
    list_display_links = None
    list_filter = [LetterStateFilter, group_name_filter("delivery__contact_list__group")]
    search_fields = ["delivery__person__full_name", "delivery__contact_list__group__name"]
    # A letter's page shows it; it is marked posted from the list. As form fields, the
    # delivery and the user would each be a select of every row in their table.
    fields = readonly_fields = (
        "group",
        "member",
        "version",
        "created_at",
        "posted_at",
        "posted_by",
        "state",
    )
    actions = ["download_letters", "mark_posted"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("delivery__contact_list__group", "delivery__person", "posted_by")
            .defer("delivery__contact_list__entries")
        )

    @admin.display(description=_("diagnosis group"), ordering="delivery__contact_list__group")
    def group(self, letter):
        return letter.delivery.contact_list.group.name

    @admin.display(description=_("member"), ordering="delivery__person__full_name")
    def member(self, letter):
        return letter.delivery.person.full_name

    @admin.display(description=_("version"), ordering="delivery__contact_list__version")
    def version(self, letter):
        return letter.delivery.contact_list.version

    @admin.display(description=_("state"))
    def state(self, letter):
        if letter.posted_at:
            return _("posted")
        return _("replaced by a newer version") if letter.superseded_at else _("to post")

    @admin.action(description=_("Download letters (PDF)"), permissions=["view"])
    def download_letters(self, request, queryset):
        # A replaced letter carries a list that may name people who have left since.
        letters = list(
            queryset.filter(superseded_at=None)
            .defer(None)
            .select_related("delivery__contact_list__group", "delivery__person")
            .order_by("delivery__contact_list__group__name", "delivery__person__full_name", "pk")
        )
        if not letters:
            self.message_user(
                request,
                _("These letters were replaced by newer versions: download those instead."),
                messages.WARNING,
            )
            return None
        # Each letter names its member and the whole list: a copy of personal data that
        # leaves the network, logged as an export for the member it goes to.
        for letter in letters:
            accesslog.record(
                request.user,
                accesslog.Action.EXPORTED,
                "person",
                letter.delivery.person.pseudonym,
                note="contact list letter",
            )
        response = HttpResponse(letters_pdf(letters), content_type="application/pdf")
        day = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="letters-{day}.pdf"'
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description=_("Mark as posted"), permissions=["change"])
    def mark_posted(self, request, queryset):
        count = services.mark_posted(list(queryset), by=request.user)
        self.message_user(
            request,
            ngettext(
                "%(count)d letter marked as posted.", "%(count)d letters marked as posted.", count
            )
            % {"count": count},
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
