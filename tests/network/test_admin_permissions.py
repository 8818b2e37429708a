"""Who reaches what in admin, page by page.

Every admin URL is opened: the medical consultant gets a refusal, a "not found", or a page
that shows nothing personal of any applicant or member; an anonymous visitor is sent to the
sign-in page; the secretariat reaches every page of the review.

The URLs come from the admin's own URL patterns as the site serves them, so a page added
later is covered without a change here. Each pattern is filled in with the primary key of a
seeded object of its model; a pattern that cannot be filled in fails the test, never skips.
"""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import ForeignObjectRel
from django.urls import URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django.utils.regex_helper import normalize

from accesslog import services as accesslog
from accesslog.models import AccessRecord
from contactlists.models import ContactList, Delivery, Letter
from diagnoses.models import Association, ProposedName
from founding.models import FoundingStep, GroupReadyToFound
from imports.models import MemberImport
from mailings.models import Mailing, MailingRecipient, OnlineGroupMember
from mailings.services import send_mailing
from meetups.models import Event, Registration
from meetups.services import invite
from members import services
from members.consultations import ask_consultant
from members.models import Application, Consultation, Membership, Person, ReviewQueue
from members.roles import consultant_role, secretariat_role
from misuse.models import MisuseReport, Suspension

from ..conftest import ALL_CONSENTS
from ..seeding import applicant_details
from .signing_in import sign_in_records


@dataclass
class Someone:
    name: str
    email: str
    phone: str
    street_address: str
    postal_code: str
    city: str
    note: str

    def traces(self) -> list[re.Pattern]:
        """Every way a page could show this person: the name and each part of it, the
        email, the phone with or without country code and separators, the address, the note."""
        national = self.phone.removeprefix("+45")
        country_code = r"(?:(?:\+|00)?45[\s.()\-]*)?"
        literal = [
            self.name,
            *self.name.split(),
            self.email,
            self.email.split("@")[0],
            self.street_address,
            self.street_address.split()[0],
            self.city,
            self.note,
        ]
        return [
            *(re.compile(re.escape(text), re.IGNORECASE) for text in literal),
            re.compile(r"(?<![\w])" + re.escape(self.postal_code) + r"(?![\w])"),
            re.compile(r"(?<!\d)" + country_code + r"[\s.()\-]*".join(national) + r"(?!\d)"),
        ]


# Words that appear nowhere else in the app, so that finding one on a page means a leak.
APPLICANT = Someone(
    "Quirin Halvorsrud",
    "q.halvorsrud@example.com",
    "+4551846273",
    "Ulvedalsvej 83",
    "6623",
    "Vorbasse",
    "Please write rather than call, the hospital keeps me busy",
)
MEMBER = Someone(
    "Ottilie Brandqvist",
    "ottilie.b@example.net",
    "+4531729458",
    "Tornebuskegade 47",
    "7361",
    "Vindeballe",
    "Ring after four, I work nights at the bakery",
)

# The URLs that are a page only with a query string: the query strings they are opened with.
QUERIES = {
    "admin:autocomplete": lambda seeded: [
        "?" + urlencode({"app_label": a, "model_name": m, "field_name": f})
        for a, m, f in autocomplete_sources()
    ],
}
# The pages of the review, which the secretariat must reach; but for adding an application,
# which comes from the public form only, and adding a case, which is asked from the
# application's page.
REVIEW_MODELS = [ReviewQueue, Application, Consultation]
NOT_PAGES = {
    "admin:members_application_add",
    "admin:members_reviewqueue_add",
    "admin:members_consultation_add",
}


def apply(someone: Someone, diagnosis) -> Application:
    details = applicant_details(
        someone.name,
        diagnosis,
        email=someone.email,
        phone=someone.phone,
        street_address=someone.street_address,
        postal_code=someone.postal_code,
        city=someone.city,
        note=someone.note,
    )
    application = services.submit_application(details, ALL_CONSENTS)
    services.confirm_email(application)
    return Application.objects.get(pk=application.pk)


@pytest.fixture
def seeded(alstrom, secretariat, django_user_model, django_capture_on_commit_callbacks) -> dict:
    """A member whose group's list has been sent, an applicant in the review queue about whom
    the consultant was asked, and an association: the objects that admin pages open, by model."""
    association = Association.objects.create(name="Nordic Alstrom Association")
    association.diagnoses.add(alstrom)
    with django_capture_on_commit_callbacks(execute=True):
        membership = services.approve_application(apply(MEMBER, alstrom), by=secretariat)
    application = apply(APPLICANT, alstrom)
    consultation = ask_consultant(application, "Rare enough?", by=secretariat)
    delivery = Delivery.objects.get(person=membership.person)
    looked_at = accesslog.record(secretariat, "viewed", "person", membership.person.pseudonym)
    report = MisuseReport.objects.create(
        group=membership.group, what_happened="Adverts", reporter_email="r@example.org"
    )
    suspension = Suspension.objects.create(report=report, membership=membership)
    FoundingStep.objects.create(
        group=membership.group, step=FoundingStep.Step.CONTACTED, on=date(2026, 1, 5)
    )
    mailing = Mailing.objects.create(texts={"en": {"subject": "News", "body": "Hello"}})
    meetup = Event.objects.create(
        texts={"en": {"title": "Rare days"}},
        starts_at=timezone.now() + timedelta(days=30),
        registration_deadline=timezone.now() + timedelta(days=20),
        place="Nyborg",
        capacity=10,
    )
    with django_capture_on_commit_callbacks(execute=True):
        send_mailing(mailing, by=secretariat)
        invite(meetup, by=secretariat)
    return {
        MemberImport: MemberImport.objects.create(file_name="members.xlsx", created_by=secretariat),
        Mailing: mailing,
        MailingRecipient: MailingRecipient.objects.get(person=membership.person),
        OnlineGroupMember: OnlineGroupMember.objects.get(pk=membership.person.pk),
        Event: meetup,
        Registration: Registration.objects.get(person=membership.person),
        MisuseReport: report,
        Suspension: suspension,
        GroupReadyToFound: GroupReadyToFound.objects.get(pk=membership.group_id),
        Application: application,
        ReviewQueue: ReviewQueue.objects.get(pk=application.pk),
        Consultation: consultation,
        Person: membership.person,
        Membership: membership,
        Delivery: delivery,
        # The print queue's pages open any letter: this one stands for the member's copy.
        Letter: Letter.objects.create(delivery=delivery),
        ContactList: delivery.contact_list,
        Association: association,
        ProposedName: ProposedName.objects.create(
            diagnosis=alstrom, name="Alstrøms syndrom", language="da"
        ),
        AccessRecord: looked_at,
        **sign_in_records(django_user_model),
    }


def admin_patterns() -> list[list]:
    """Every pattern of admin.site.get_urls(), with the patterns leading to it. They are read
    from the URLconf that serves them, so that resolve() can confirm where each URL leads."""
    site = next(
        pattern
        for pattern in get_resolver().url_patterns
        if isinstance(pattern, URLResolver) and pattern.namespace == admin.site.name
    )

    def walk(resolver, trail):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern, [*trail, pattern])
            else:
                yield [*trail, pattern]

    return list(walk(site, [site]))


def autocomplete_sources():
    """Every (app label, model, field) the autocomplete view can be asked about: each relation
    of each model, whether or not an admin form uses it. (The view also takes a reverse
    relation, and then fails before it reads a row.)"""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and not isinstance(field, ForeignObjectRel):
                yield model._meta.app_label, model._meta.model_name, field.name


def object_of(model, seeded: dict):
    found = seeded.get(model) or model._default_manager.order_by("-pk").first()
    if found is None:
        pytest.fail(f"No {model.__name__} to open its admin pages with: add one to `seeded`.")
    return found


def fillings(params: set[str], model, seeded: dict) -> list[dict]:
    """The values each URL parameter is opened with."""
    registered = list(admin.site._registry)
    if params == {"content_type_id", "object_id"}:
        return [
            {"content_type_id": ContentType.objects.get_for_model(m).pk, "object_id": pk}
            # A model without a table of its own (the dashboard) has no object to link to.
            for m in registered
            if m._meta.managed or m._meta.proxy
            for pk in [object_of(m, seeded).pk]
        ]
    choices = {
        "app_label": sorted({m._meta.app_label for m in registered}),
        "url": ["no-such-page/"],
    }
    if model is not None and params & {"object_id", "id", "pk"}:
        # The primary key, as ModelAdmin names it, as UserAdmin's password page does, and as
        # django-otp's pages of an authenticator app's key do.
        choices["object_id"] = choices["id"] = choices["pk"] = [object_of(model, seeded).pk]
    # The dashboard's figures, one set of them as CSV.
    choices["key"] = ["members-by-country"]
    # An import's report, in one of its formats.
    choices["file_format"] = ["xlsx"]
    unknown = params - choices.keys()
    if unknown:
        pytest.fail(f"Cannot fill {sorted(unknown)} in an admin URL: teach `fillings` about it.")
    return [
        dict(zip(sorted(params), values, strict=True))
        for values in itertools.product(*(choices[p] for p in sorted(params)))
    ]


def admin_urls(seeded: dict) -> list[tuple[str, str | None, type | None]]:
    """Every admin URL, with its pattern's name and the model whose admin serves it: each
    pattern filled in with seeded objects, and checked to lead to its own view."""
    models = {f"{m._meta.app_label}/{m._meta.model_name}/": m for m in admin.site._registry}
    urls = []
    for trail in admin_patterns():
        pattern = trail[-1]
        model = next((models[str(p.pattern)] for p in trail if str(p.pattern) in models), None)
        params = {name for p in trail for name in p.pattern.regex.groupindex}
        for values in fillings(params, model, seeded):
            path = "/"
            for level in trail:
                path += next(
                    template % {name: values[name] for name in names}
                    for template, names in normalize(level.pattern.regex.pattern)
                    if set(names) <= values.keys()
                )
            assert resolve(path).func is pattern.callback, f"{path} leads to another view"
            name = f"{admin.site.name}:{pattern.name}" if pattern.name else None
            queries = QUERIES[name](seeded) if name in QUERIES else [""]
            urls += [(path + query, name, model) for query in queries]
    return urls


def traces_on(response, *people: Someone) -> list[str]:
    text = html.unescape(response.content.decode())
    return [
        trace.pattern
        for someone in people or (APPLICANT, MEMBER)
        for trace in someone.traces()
        if trace.search(text)
    ]


@pytest.mark.parametrize(("model", "someone"), [(Application, APPLICANT), (Person, MEMBER)])
def test_every_trace_looked_for_is_found_where_staff_may_see_it(
    client, secretariat, seeded, model, someone
):
    client.force_login(secretariat)
    url = reverse(f"admin:members_{model._meta.model_name}_change", args=[seeded[model].pk])

    response = client.get(url)

    assert response.status_code == 200
    traces = [trace.pattern for trace in someone.traces()]
    if model is Person:  # a member has no note; the note was the application's
        traces.remove(re.escape(someone.note))
    assert traces_on(response, someone) == traces


def test_the_consultant_sees_nothing_personal_on_any_admin_page(client, consultant, seeded):
    client.force_login(consultant)
    urls = admin_urls(seeded)
    reachable = []

    for url, _name, _model in urls:
        response = client.get(url, follow=True)
        assert response.status_code in (200, 400, 403, 404, 405), url
        if response.status_code == 200:
            reachable.append(url)
            assert traces_on(response) == [], f"{url} shows personal data"

    case = reverse("admin:members_consultation_change", args=[seeded[Consultation].pk])
    assert case in reachable  # the crawl did reach the pages the consultant works on
    assert reverse("admin:members_consultation_changelist") in reachable


def test_an_anonymous_visitor_is_sent_to_sign_in_from_every_admin_page(visitor, seeded):
    sign_in = reverse("admin:login")

    for url, _name, _model in admin_urls(seeded):
        response = visitor.get(url, follow=True)
        assert traces_on(response) == [], url
        if response.status_code == 404:
            continue
        assert response.status_code == 200, url
        assert response.resolver_match.view_name == "two_factor:login", url
        assert url.startswith(sign_in) or response.redirect_chain, url


def test_the_secretariat_reaches_every_page_of_the_review(client, secretariat, seeded):
    client.force_login(secretariat)
    review = [
        url
        for url, name, model in admin_urls(seeded)
        if model in REVIEW_MODELS and name not in NOT_PAGES
    ]

    for url in review:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url

    application = seeded[Application].pk
    for page in [
        reverse("admin:members_reviewqueue_changelist"),
        reverse("admin:members_application_change", args=[application]),
        reverse("admin:members_application_approve", args=[application]),
        reverse("admin:members_application_reject", args=[application]),
        reverse("admin:members_application_ask_consultant", args=[application]),
    ]:
        assert page in review


def test_the_roles_grant_what_their_work_needs(db):
    def granted(role) -> set[str]:
        return {f"{p.content_type.app_label}.{p.codename}" for p in role.permissions.all()}

    assert granted(consultant_role()) == {
        "members.view_consultation",
        "members.change_consultation",
        "diagnoses.view_diagnosis",
    }
    secretariat = granted(secretariat_role())
    for model in ["application", "reviewqueue", "consultation", "person", "membership"]:
        for action in ["view", "change"]:
            assert f"members.{action}_{model}" in secretariat
    assert "members.add_consultation" in secretariat
    for codename in ["add", "change", "view"]:
        assert f"diagnoses.{codename}_association" in secretariat
