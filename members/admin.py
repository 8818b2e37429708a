from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.admin.views.main import SEARCH_VAR
from django.contrib.admin.widgets import AdminTextareaWidget
from django.core.exceptions import PermissionDenied
from django.core.validators import MaxLengthValidator
from django.db import connection
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries import countries
from phonenumber_field.phonenumber import PhoneNumber, to_python

from accesslog import services as accesslog
from accesslog.admin import AccessLoggedAdmin
from diagnoses.admin_filters import GroupNameFilter
from diagnoses.models import Diagnosis

from . import consultations, privacy, review, services
from .consents import ConsentKind
from .decision_forms import (
    ApproveForm,
    BulkApproveForm,
    BulkRejectForm,
    InformationForm,
    NewGroupForm,
    ReferForm,
    RejectForm,
)
from .models import (
    Application,
    ApplicationEvent,
    Consent,
    ConsentState,
    Consultation,
    Membership,
    Person,
    ReviewQueue,
    active_membership,
)
from .validators import ANSWER_MAX_LENGTH


def countries_given(model) -> set[str]:
    """Every country anyone in the table gave, read off the country index one value at a
    time (a loose index scan): a few hundred index probes at most, where a DISTINCT would
    read a million rows. Works alike on PostgreSQL and SQLite."""
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""WITH RECURSIVE given(country) AS (
                    SELECT MIN(country) FROM {table}
                    UNION ALL
                    SELECT (SELECT MIN(country) FROM {table} WHERE country > given.country)
                    FROM given WHERE given.country IS NOT NULL
                )
                SELECT country FROM given WHERE country IS NOT NULL"""  # noqa: S608
        )
        return {country for (country,) in cursor.fetchall()}


class CountryFilter(admin.SimpleListFilter):
    """The countries the network covers, and any other that someone gave: not every
    country in the world, of which all but a few would filter to nothing."""

    title = _("country")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        codes = {*settings.NETWORK_ALLOWED_COUNTRIES, *countries_given(model_admin.model)} - {""}
        return sorted(((code, countries.name(code)) for code in codes), key=lambda c: c[1])

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(country=self.value())
        return queryset


@admin.display(description=_("country"), ordering="country")
def country(record) -> str:
    """The country's name, looked up once: the admin's own column for a field with choices
    goes through all 250 countries for each row, a tenth of a second for a page of 100."""
    return record.country.name


def phone_search(search_term: str) -> PhoneNumber | None:
    """The phone number a staff member typed into a search box, in any of the forms people
    write one ("20 12 34 56", "+45 20123456"), read in the network's first country; None
    for anything else, such as a name."""
    if sum(character.isdigit() for character in search_term) < 6:
        return None
    number = to_python(search_term, region=settings.NETWORK_ALLOWED_COUNTRIES[0])
    return number if number is not None and number.is_valid() else None


# A search for a word that names more catalogue entries than this is not about a diagnosis.
MATCHING_DIAGNOSES = 500


class ApplicationListAdmin(admin.ModelAdmin):
    """What the list of applications and the review queue share: the search, and the
    decisions taken on several applications at once from the list."""

    list_select_related = ["diagnosis"]
    # Part of the name or of the diagnosis as typed or as catalogued, or an email address
    # whole: each served by an index (migration 0014), see get_search_results.
    search_fields = ["full_name", "=email", "diagnosis_text", "diagnosis__name"]
    actions = ["approve", "reject"]
    show_full_result_count = False

    def get_search_results(self, request, queryset, search_term):
        """What staff typed, as one phrase, in the name, the email address (whole) or the
        diagnosis. The catalogue entries that match are looked up first, so that every
        part of the condition has an index: Django's own search joins the catalogue and
        reads every application (four times over, with the date hierarchy)."""
        term = search_term.strip()
        if not term:
            return queryset, False
        matching = Diagnosis.objects.filter(name__icontains=term).values_list("pk", flat=True)
        return queryset.filter(
            Q(full_name__icontains=term)
            | Q(email__iexact=term)
            | Q(diagnosis_text__icontains=term)
            | Q(diagnosis__in=list(matching[:MATCHING_DIAGNOSES]))
        ), False

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("diagnosis"), ordering="diagnosis__name")
    def diagnosis_label(self, application):
        return application.diagnosis_label

    @admin.action(description=_("Approve into a diagnosis group"), permissions=["change"])
    def approve(self, request, queryset):
        form = BulkApproveForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._decide_all(
                request,
                queryset,
                lambda application: services.approve_application(
                    application, form.cleaned_data["group"], by=request.user
                ),
                lambda done: ngettext(
                    "%d application approved.", "%d applications approved.", done
                ),
            )
            return None
        return self._bulk_page(request, queryset, form, _("Approve applications"))

    @admin.action(description=_("Reject with a reason"), permissions=["change"])
    def reject(self, request, queryset):
        form = BulkRejectForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            self._decide_all(
                request,
                queryset,
                lambda application: services.reject_application(
                    application, form.cleaned_data["reason"], by=request.user
                ),
                lambda done: ngettext(
                    "%d application rejected.", "%d applications rejected.", done
                ),
            )
            return None
        return self._bulk_page(request, queryset, form, _("Reject applications"))

    def _decide_all(self, request, applications, decide, summary) -> None:
        """The same decision for several applications, each sent its templated email."""
        done = 0
        for application in applications:
            try:
                decide(application)
            except services.DecisionNotAllowed as refusal:
                self.message_user(request, f"{application}: {refusal}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, summary(done) % done, messages.SUCCESS)

    def _bulk_page(self, request, applications, form, title):
        return TemplateResponse(
            request,
            "admin/members/decision.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": title,
                "applications": applications,
                "form": form,
                "media": self.media + form.media,
                "action": request.POST.get("action", ""),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )


class QuestionForm(forms.ModelForm):
    """The question staff put to the medical consultant about one application."""

    class Meta:
        model = Consultation
        fields = ["question"]
        widgets = {"question": AdminTextareaWidget}
        help_texts = {
            "question": _(
                "The consultant reads this question with the case above and nothing else: "
                "write no name, contact detail or other clue to who applied. When the case "
                "has no catalogue entry, describe the diagnosis in your own words (not "
                "copied from the application), or first choose its catalogue entry on the "
                "application."
            )
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["question"].max_length = ANSWER_MAX_LENGTH
        self.fields["question"].validators.append(MaxLengthValidator(ANSWER_MAX_LENGTH))


class ConsentInline(admin.TabularInline):
    model = Consent
    fields = readonly_fields = (
        "kind",
        "version",
        "given",
        "recorded_at",
    )
    extra = 0
    can_delete = False
    template = "admin/edit_inline/records.html"

    def has_add_permission(self, request, obj=None):
        return False


class ApplicationEventInline(admin.TabularInline):
    model = ApplicationEvent
    fields = readonly_fields = (
        "at",
        "action",
        "by",
        "note",
        "email_subject",
        "email_status",
        "email_error",
    )
    extra = 0
    can_delete = False
    template = "admin/edit_inline/records.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("by", "email")
            .defer("email__text", "email__html")
        )

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("email"))
    def email_subject(self, event):
        if event.email is None:
            return ""
        url = reverse("admin:outbox_outgoingemail_change", args=[event.email_id])
        return format_html('<a href="{}">{}</a>', url, event.email.subject)

    @admin.display(description=_("email status"))
    def email_status(self, event):
        if event.email is None:
            return ""
        return _("%(status)s after %(attempts)d attempts") % {
            "status": event.email.get_status_display(),
            "attempts": event.email.attempts,
        }

    @admin.display(description=_("last sending error"))
    def email_error(self, event):
        return event.email.last_error if event.email else ""


@admin.register(Application)
class ApplicationAdmin(AccessLoggedAdmin, ApplicationListAdmin):
    access_kind = "application"
    list_display = [
        "full_name",
        "diagnosis_label",
        country,
        "relationship",
        "status",
        "submitted_at",
        "confirmed_at",
    ]
    list_filter = ["status", CountryFilter, "relationship"]
    date_hierarchy = "submitted_at"
    inlines = [ConsentInline, ApplicationEventInline]
    fieldsets = [
        (_("Applicant"), {"fields": ["full_name", "relationship", "birth_year", "language"]}),
        (
            _("Contact details"),
            {"fields": ["street_address", "postal_code", "city", "country", "phone", "email"]},
        ),
        (_("Diagnosis"), {"fields": ["diagnosis", "diagnosis_text", "note"]}),
        (
            _("Decision"),
            {
                "fields": [
                    "status",
                    "submitted_at",
                    "confirmed_at",
                    "decided_at",
                    "decided_by",
                    "decision_reason",
                    "group",
                    "person",
                ]
            },
        ),
    ]
    readonly_fields = [
        "status",
        "submitted_at",
        "confirmed_at",
        "decided_at",
        "decided_by",
        "decision_reason",
        "group",
        "person",
    ]
    autocomplete_fields = ["diagnosis"]
    change_form_template = "admin/members/application/change_form.html"

    # The decisions for one application: URL name, form.
    DECISIONS = {
        "approve": ApproveForm,
        "new_group": NewGroupForm,
        "refer": ReferForm,
        "ask": InformationForm,
        "reject": RejectForm,
    }

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            *(
                path(
                    f"<path:object_id>/{decision.replace('_', '-')}/",
                    self.admin_site.admin_view(self.decide_one),
                    {"decision": decision},
                    name=f"{prefix}_{decision}",
                )
                for decision in self.DECISIONS
            ),
            path(
                "<path:object_id>/ask-consultant/",
                self.admin_site.admin_view(self.consult),
                name=f"{prefix}_ask_consultant",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        application = self.get_object(request, object_id)
        if application is not None:
            extra_context = {
                **(extra_context or {}),
                "checks": review.checks_for(application),
                "can_ask_consultant": self.may_ask_consultant(request),
            }
        return super().change_view(request, object_id, form_url, extra_context)

    def decide_one(self, request, object_id, decision):
        """One decision on one application: choose, read and edit the email, send."""
        application = get_object_or_404(Application, pk=object_id)
        if not self.has_change_permission(request, application):
            raise PermissionDenied
        self.log_access(request, application)
        form = self.DECISIONS[decision](application, request.POST or None)
        if form.is_bound and form.is_valid():
            if "send" in request.POST and form.is_drafted():
                try:
                    form.decide(by=request.user, email=form.email())
                except services.DecisionNotAllowed as refusal:
                    form.add_error(None, str(refusal))
                else:
                    self.message_user(request, form.done, messages.SUCCESS)
                    return redirect("admin:members_reviewqueue_changelist")
            else:
                if "send" in request.POST:
                    self.message_user(
                        request,
                        _("The choices changed, so the email was drafted again: read it first."),
                        messages.WARNING,
                    )
                form = form.drafted()
                form.is_valid()
        return TemplateResponse(
            request,
            "admin/members/application/decide.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": form.title,
                "original": application,
                "application": application,
                "form": form,
                "drafted": form.is_bound and form.is_valid() and form.is_drafted(),
                "language": dict(settings.LANGUAGES).get(application.language),
                "media": self.media + form.media,
            },
        )

    def may_ask_consultant(self, request) -> bool:
        """Asking takes reading the application as well as putting a case to the consultant."""
        return request.user.has_perm("members.add_consultation") and request.user.has_perm(
            "members.view_application"
        )

    def consult(self, request, object_id):
        """Ask the medical consultant about one application: staff read the anonymised case
        that the consultant will read, write the question, and return to the application."""
        if not self.may_ask_consultant(request):
            raise PermissionDenied
        application = self.get_object(request, unquote(object_id))
        if application is None:
            raise Http404
        self.log_access(request, application)
        form = QuestionForm(request.POST or None)
        if form.is_valid():
            try:
                consultation = consultations.ask_consultant(
                    application, form.cleaned_data["question"], by=request.user
                )
            except consultations.ConsultationRefused as refusal:
                form.add_error("question", str(refusal))
            else:
                # The case's admin history starts with who asked, as for any object added.
                self.log_addition(request, consultation, [{"added": {}}])
                self.message_user(
                    request, _("The question was sent to the medical consultant."), messages.SUCCESS
                )
                return redirect("admin:members_application_change", application.pk)
        return TemplateResponse(
            request,
            "admin/members/application/ask_consultant.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Ask the medical consultant"),
                "original": application,
                "application": application,
                "case": Consultation(**consultations.anonymised_case(application)),
                "form": form,
                "media": self.media + form.media,
            },
        )


@admin.register(ReviewQueue)
class ReviewQueueAdmin(ApplicationListAdmin):
    list_display = ["full_name", "diagnosis_label", country, "relationship", "confirmed_at"]
    list_filter = [CountryFilter, "relationship"]

    def get_queryset(self, request):
        return super().get_queryset(request).awaiting_review()

    def get_ordering(self, request):
        return ["confirmed_at", "pk"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        return redirect("admin:members_application_change", object_id)

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "health": review.queue_health()}
        return super().changelist_view(request, extra_context)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("members.view_application")

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm("members.change_application")


class MembershipInline(admin.TabularInline):
    model = Membership
    fields = readonly_fields = (
        "group",
        "joined_at",
        "left_at",
    )
    extra = 0
    can_delete = False
    template = "admin/edit_inline/records.html"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("group")

    def has_add_permission(self, request, obj=None):
        return False


def consent_filter(kind: ConsentKind) -> type[admin.SimpleListFilter]:
    """A filter of people by where they stand on one consent: given, withdrawn, never given."""

    class ConsentFilter(admin.SimpleListFilter):
        title = kind.label
        parameter_name = f"consent_{kind.value}"

        def lookups(self, request, model_admin):
            return ConsentState.choices

        def queryset(self, request, queryset):
            if self.value() in ConsentState.values:
                return queryset.with_consent(kind, self.value())
            return queryset

    return ConsentFilter


OPTIONAL_CONSENTS = [ConsentKind.MAILINGS, ConsentKind.MEETUPS, ConsentKind.ONLINE_GROUP]


class FoundPeopleSortedByName:
    """Lists of people that a search sorts after finding. A search by name finds a few
    thousand people at most, through the trigram index; left to sort by the name's own index,
    PostgreSQL walks it from A and tests each of a million names until a page is full
    (seconds for a common name late in the alphabet). NULLS FIRST, meaningless for a name
    that is never empty, is an order that index cannot give, so the found rows are sorted."""

    def get_ordering(self, request):
        if request.GET.get(SEARCH_VAR, "").strip():
            return [F("full_name").asc(nulls_first=True), "-pk"]
        return super().get_ordering(request)


@admin.register(Person)
class PersonAdmin(FoundPeopleSortedByName, AccessLoggedAdmin):
    access_kind = "person"
    list_display = ["full_name", "email", country, "active_groups", "created_at"]
    list_filter = [
        CountryFilter,
        "relationship",
        "receives_lists_by_post",
        *map(consent_filter, OPTIONAL_CONSENTS),
    ]
    # Part of a name, or an email address whole (both indexed: migration 0014); a phone
    # number in any form is read in get_search_results.
    search_fields = ["full_name", "=email"]
    readonly_fields = ["created_at"]
    inlines = [MembershipInline, ConsentInline]
    # Counting a million people again on each page is not worth a query.
    show_full_result_count = False

    def get_queryset(self, request):
        # Counted per person shown, not over every membership there is.
        groups = (
            Membership.objects.filter(active_membership(), person=OuterRef("pk"))
            .order_by()
            .values("person")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                active_group_count=Coalesce(Subquery(groups, output_field=IntegerField()), Value(0))
            )
        )

    def get_search_results(self, request, queryset, search_term):
        phone = phone_search(search_term)
        if phone is not None:
            return queryset.filter(phone=phone), False
        return super().get_search_results(request, queryset, search_term)

    @admin.display(description=_("groups"))
    def active_groups(self, person):
        return person.active_group_count

    def save_model(self, request, obj, form, change):
        changes = {field: form.cleaned_data[field] for field in form.changed_data}
        services.update_contact_details(obj, changes, by=request.user)

    def has_add_permission(self, request):
        return False

    # Deleting a person is erasing them: their groups get lists without them, and nothing
    # that names them stays (members/privacy.py). Asked of staff by a person without a
    # working email address.
    def delete_model(self, request, obj):
        privacy.erase_person(obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for person in queryset:
            privacy.erase_person(person, by=request.user)

    @admin.action(description=_("Download all their data (JSON)"), permissions=["view"])
    def download_personal_data(self, request, queryset):
        data = []
        for person in queryset:
            data.append(privacy.personal_data(person))
            accesslog.record(request.user, accesslog.Action.EXPORTED, "person", person.pseudonym)
        response = JsonResponse(data, safe=False, json_dumps_params={"indent": 2})
        response["Content-Disposition"] = 'attachment; filename="personal-data.json"'
        response["Cache-Control"] = "no-store"
        return response

    actions = ["download_personal_data", "delete_selected"]


@admin.register(Membership)
class MembershipAdmin(AccessLoggedAdmin):
    list_display = ["person", "group", "joined_at", "left_at"]
    list_filter = [GroupNameFilter]
    list_select_related = ["person", "group"]
    # The member's name or email address (indexed); the group by the filter beside.
    search_fields = ["person__full_name", "=person__email"]
    # Newest first, along the primary key: also for the suspension form's autocomplete,
    # whose pages of twenty would otherwise come in no set order.
    ordering = ["-pk"]
    show_full_result_count = False
    readonly_fields = ["person", "group", "application", "joined_at", "left_at", "ended_by"]
    actions = ["end_membership"]

    def access_subject(self, membership):
        # Logged as a look at the person; an erased member's membership shows nobody.
        return None if membership.person is None else ("person", membership.person.pseudonym)

    def has_add_permission(self, request):
        return False

    # A membership is ended, never deleted: leave_group sends the group a new list, and
    # the ended membership stays as a count.
    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(
        description=_("End membership (the member leaves the group)"), permissions=["change"]
    )
    def end_membership(self, request, queryset):
        ended = sum(services.leave_group(membership, by=request.user) for membership in queryset)
        self.message_user(
            request,
            ngettext("%d membership ended.", "%d memberships ended.", ended) % ended,
            messages.SUCCESS,
        )


class AnsweredFilter(admin.SimpleListFilter):
    title = _("answered")
    parameter_name = "answered"

    def lookups(self, request, model_admin):
        return [("no", _("Not yet")), ("yes", _("Yes"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(answered_at__isnull=self.value() == "no")
        return queryset


@admin.register(Consultation)
class ConsultationAdmin(admin.ModelAdmin):
    """Anonymised cases: the medical consultant reads and answers them here; the secretariat
    reads the answer. A case is never added here: staff ask from the application's page
    (`ApplicationAdmin.consult`), which copies the case from the application.

    Every page is built from the consultation's own copy of the case. Only staff who may
    view applications get a link to the application the case came from.
    """

    list_display = ["case", "diagnosis_label", "age_band", country, "asked_at", "answered"]
    list_filter = [AnsweredFilter]
    list_select_related = ["diagnosis"]

    # What the consultant reads, as the consultation copied it from the application.
    CASE = [
        "diagnosis",
        "age_band",
        "country",
        "question",
        "asked_by",
        "asked_at",
    ]
    readonly_fields = ["application_link", *CASE, "answered_by", "answered_at"]

    def has_add_permission(self, request):
        return False

    def get_fieldsets(self, request, obj=None):
        case = self.CASE
        if request.user.has_perm("members.view_application"):
            case = ["application_link", *case]
        return [
            (_("Case"), {"fields": case}),
            (_("Answer"), {"fields": ["answer", "answered_by", "answered_at"]}),
        ]

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if db_field.name == "answer":
            # Blank in the database until the case is answered; saving the page answers it.
            formfield.required = True
            formfield.max_length = ANSWER_MAX_LENGTH
            formfield.validators.append(MaxLengthValidator(ANSWER_MAX_LENGTH))
        return formfield

    @admin.display(description=_("case"), ordering="pk")
    def case(self, consultation):
        return consultation

    @admin.display(description=_("diagnosis"))
    def diagnosis_label(self, consultation):
        return consultation.diagnosis or _("no catalogue entry: see the question")

    @admin.display(description=_("answered"), boolean=True)
    def answered(self, consultation):
        return consultation.answered_at is not None

    @admin.display(description=_("application"))
    def application_link(self, consultation):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("admin:members_application_change", args=[consultation.application_id]),
            _("Application %(number)s") % {"number": consultation.application_id},
        )

    def save_model(self, request, obj, form, change):
        consultations.answer_consultation(obj, form.cleaned_data["answer"], by=request.user)
