"""What a member does themselves: sign in by an emailed link, see their groups' lists, and
(through the members app's own rules) change their details and consents, leave.

Sign-in links. There is no password: a member asks for a link at their address and opens
it. A link is the person's id signed with Django's `TimestampSigner`, whose key is salted
with the person's sign-in state (id, email address and `last_signed_in_at`). Signing in
moves `last_signed_in_at`, so the link (and any other link sent before it) stops working:
single use. A changed address ends the old links too. A link also ends after
MEMBER_SIGN_IN_MAX_AGE seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import OperationalError as BrokerUnreachable

from contactlists.emails import display_members
from contactlists.models import ContactList
from contactlists.services import shared_entry
from members.consents import CONSENT_TEXTS, ConsentText
from members.models import Membership, Person
from members.services import current_consents
from outbox import emails
from outbox import services as outbox
from outbox.composers import Withdrawn
from outbox.models import OutgoingEmail

# The outbox kind of the email that carries a sign-in link.
SIGN_IN_EMAIL = "sign_in"
SIGN_IN_SALT = "selfservice.sign_in"


class LinkInvalid(Exception):
    """The link was used already, tampered with, or belongs to nobody in the network."""


class LinkExpired(LinkInvalid):
    """The link is genuine and unused, but older than MEMBER_SIGN_IN_MAX_AGE."""


class LinkNotSent(Exception):
    """The request for a link could not be handed to the worker (the broker is away)."""


class NotAMember(Exception):
    """The person is not (or no longer) a member of that group."""


def _signer(person: Person) -> signing.TimestampSigner:
    # The state is in the salt, so a signature made before the state changed no longer
    # verifies: the link dies when the member signs in or changes their address.
    signed_in = person.last_signed_in_at.isoformat() if person.last_signed_in_at else ""
    state = f"{person.pk}:{person.email.lower()}:{signed_in}"
    return signing.TimestampSigner(salt=f"{SIGN_IN_SALT}:{state}")


def sign_in_token(person: Person) -> str:
    """The person's id in base64, with a timestamp and a signature: `<id>:<time>:<sig>`."""
    return _signer(person).sign(urlsafe_base64_encode(force_bytes(person.pk)))


def sign_in_url(person: Person) -> str:
    """The link in the email, to the page in the member's language."""
    with translation.override(person.language):
        path = reverse("selfservice:sign_in_link", args=[sign_in_token(person)])
    return settings.NETWORK_SITE_URL + path


def person_for_link(token: str) -> Person:
    """The person a link signs in; raises LinkExpired for a link that is too old, and
    LinkInvalid for one that was used, changed, or is for someone erased."""
    try:
        pk = int(force_str(urlsafe_base64_decode(token.split(":", 1)[0])))
    except (ValueError, UnicodeDecodeError) as error:
        raise LinkInvalid from error
    person = Person.objects.filter(pk=pk).first()
    if person is None:
        raise LinkInvalid
    try:
        _signer(person).unsign(token, max_age=settings.MEMBER_SIGN_IN_MAX_AGE)
    except signing.SignatureExpired as error:
        raise LinkExpired from error
    except signing.BadSignature as error:
        raise LinkInvalid from error
    return person


def use_sign_in_link(token: str) -> Person:
    """Sign in with a link, once: the first use moves `last_signed_in_at`, which ends this
    link and every other one sent before it. Of two uses at the same moment, one wins."""
    person = person_for_link(token)
    now = timezone.now()
    used = Person.objects.filter(pk=person.pk, last_signed_in_at=person.last_signed_in_at).update(
        last_signed_in_at=now
    )
    if not used:
        raise LinkInvalid
    person.last_signed_in_at = now
    return person


def ask_for_sign_in_link(address: str) -> None:
    """Have a sign-in link sent to `address` if it is a member's.

    The request only hands the address to the worker, which looks it up and, for a member,
    queues the email: the request does the same work, in the same time, whether or not the
    address is known, so its answer cannot tell anyone who is a member. (In the embedded
    default the task runs in-process, and this does not hold; it is for one machine.)
    """
    from .tasks import send_sign_in_link_task

    try:
        send_sign_in_link_task.apply_async(args=(address,))
    except BrokerUnreachable as error:
        # Nothing is recorded that a sweep could pick up later, and a link that arrives an
        # hour late is no help: the member is asked to try again instead.
        raise LinkNotSent from error


def send_sign_in_link(address: str) -> OutgoingEmail | None:
    """Queue a sign-in link to the member with this address; nothing for an address that
    is nobody's (and nothing to that address either: the network does not write to people
    who are not members). Sending twice does no harm: the first link used ends the other.

    The link is written when the email is sent (`SignInComposer`), never stored: the
    outbox admin shows staff no live link to a member's page."""
    person = Person.objects.filter(email__iexact=address.strip()).first()
    if person is None:
        return None
    batch = OutgoingEmail.new_batch()
    with transaction.atomic():
        [email] = outbox.queue_composed(
            SIGN_IN_EMAIL, batch, [person.email], about=str(_("sign-in link"))
        )
        outbox.start_sending(batch, 1)
    return email


class SignInComposer:
    """Writes the sign-in email as it is sent, in the member's language (registered for the
    outbox kind "sign_in" in apps.py)."""

    def _person(self, email: OutgoingEmail) -> Person | None:
        return Person.objects.filter(email__iexact=email.recipient).first()

    def message(self, email: OutgoingEmail) -> EmailMessage:
        person = self._person(email)
        if person is None:
            raise Withdrawn(_("The address is no longer a member's."))
        written = emails.render(
            SIGN_IN_EMAIL,
            {
                "person": person,
                "sign_in_url": sign_in_url(person),
                "valid_minutes": max(settings.MEMBER_SIGN_IN_MAX_AGE // 60, 1),
            },
            person.language,
        )
        return emails.message(written, email.recipient)

    def refuse_resend(self, email: OutgoingEmail) -> str | None:
        return str(_("A sign-in link is not sent again: the member asks for a new one."))


@dataclass
class GroupList:
    """One of the member's groups, with the current version of its list (None until the
    first one is built) as the member reads it."""

    membership: Membership
    contact_list: ContactList | None
    members: list[dict]

    @property
    def group(self):
        return self.membership.group


def current_lists(person: Person) -> list[GroupList]:
    """The groups the person belongs to now, each with its latest list: only these, never
    a group they left or were never in. Two queries, however many groups."""
    newest = ContactList.objects.filter(group_id=OuterRef("group_id")).order_by("-version")
    memberships = list(
        person.memberships.active()
        .select_related("group")
        .annotate(newest_list_id=Subquery(newest.values("pk")[:1]))
        .order_by("group__name", "pk")
    )
    ids = [membership.newest_list_id for membership in memberships if membership.newest_list_id]
    lists = ContactList.objects.in_bulk(ids) if ids else {}
    group_lists = []
    for membership in memberships:
        # A member suspended from the lists does not see them either, until it is lifted.
        contact_list = None if membership.suspended_at else lists.get(membership.newest_list_id)
        members = display_members(contact_list.entries) if contact_list else []
        group_lists.append(GroupList(membership, contact_list, members))
    return group_lists


def active_membership(person: Person, group_id: int) -> Membership:
    """The person's membership of the group; NotAMember if they are not in it now."""
    membership = (
        person.memberships.active().select_related("group").filter(group_id=group_id).first()
    )
    if membership is None:
        raise NotAMember
    return membership


def current_list(person: Person, group_id: int) -> ContactList:
    """The group's latest list, for a current member of it only, and not while they are
    suspended from its lists."""
    if active_membership(person, group_id).suspended_at:
        raise NotAMember
    contact_list = (
        ContactList.objects.filter(group_id=group_id).select_related("group").order_by("-version")
    ).first()
    if contact_list is None:
        raise NotAMember
    return contact_list


def seen_by_group(person: Person) -> dict:
    """The person's entry as the other members of their groups read it in their list."""
    return display_members([shared_entry(person)])[0]


@dataclass
class ConsentState:
    text: ConsentText
    given: bool


def consents_of(person: Person) -> list[ConsentState]:
    """Each consent, in the order of the sign-up form, with whether the person gives it now."""
    current = current_consents(person)
    return [
        ConsentState(text, kind in current and current[kind].given)
        for kind, text in CONSENT_TEXTS.items()
    ]
