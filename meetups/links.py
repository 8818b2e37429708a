"""The link that lets a member answer a meetup invitation: the registration's id signed
with a key salted with its `link_version`. Asking for a new link moves the version, and
every link sent before stops working. A link works until the meetup is over; what it may
do (register, change, cancel) depends on the deadline, not on the link."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from .models import Registration

SALT = "meetups.registration"


class LinkInvalid(Exception):
    """The link was replaced by a newer one, changed, cut, or its registration is gone."""


def _signer(registration: Registration) -> signing.Signer:
    return signing.Signer(salt=f"{SALT}:{registration.pk}:{registration.link_version}")


def token(registration: Registration) -> str:
    return _signer(registration).sign(urlsafe_base64_encode(force_bytes(registration.pk)))


def url(registration: Registration, name: str = "meetups:registration") -> str:
    """The link in the member's language."""
    with translation.override(registration.person.language):
        path = reverse(name, args=[token(registration)])
    return settings.NETWORK_SITE_URL + path


def registration_for(value: str) -> Registration:
    try:
        pk = int(force_str(urlsafe_base64_decode(value.split(":", 1)[0])))
    except (ValueError, UnicodeDecodeError) as error:
        raise LinkInvalid from error
    registration = Registration.objects.select_related("event", "person").filter(pk=pk).first()
    if registration is None:
        raise LinkInvalid
    try:
        _signer(registration).unsign(value)
    except signing.BadSignature as error:
        raise LinkInvalid from error
    return registration
