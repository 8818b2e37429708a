"""The consents an applicant gives, each with the version of the text shown.

Changing the wording of a consent means a new version here: records keep the
version that the person actually saw.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class ConsentKind(models.TextChoices):
    SHARE_CONTACT_DETAILS = "share_contact_details", _("share contact details with the group")
    HEALTH_DATA = "health_data", _("processing of health data")
    MAILINGS = "mailings", _("information mailings")
    ONLINE_GROUP = "online_group", _("the closed online group")
    MEETUPS = "meetups", _("meetup invitations")


class ConsentSource(models.TextChoices):
    """How a consent reached the network, for one given before it had this app; a consent
    given in the network's own pages has none (blank)."""

    PAPER = "paper", _("on paper")
    EMAIL = "email", _("by email")


@dataclass(frozen=True)
class ConsentText:
    kind: ConsentKind
    version: str
    text: Promise
    required: bool


CONSENT_TEXTS = {
    consent.kind: consent
    for consent in [
        ConsentText(
            ConsentKind.SHARE_CONTACT_DETAILS,
            "2026-12",
            _(
                "I agree that my name, email address, postal address, phone number and "
                "relationship to the diagnosis are sent to the other members of my diagnosis "
                "group, and that I receive theirs. Once I am a member I can choose to share less "
                "(only my name and email address are always shared), or to add the birth year. "
                "Nobody is obliged to make contact or to answer."
            ),
            required=True,
        ),
        ConsentText(
            ConsentKind.HEALTH_DATA,
            "2026-11",
            _(
                "I agree that the network processes the diagnosis I give, which is health data, "
                "for the purpose of putting me in contact with others with the same diagnosis."
            ),
            required=True,
        ),
        ConsentText(
            ConsentKind.MAILINGS,
            "2026-11",
            _("Send me the network's information mailings (optional)."),
            required=False,
        ),
        ConsentText(
            ConsentKind.ONLINE_GROUP,
            "2026-11",
            _("Invite me to the network's closed online group across all diagnoses (optional)."),
            required=False,
        ),
        ConsentText(
            ConsentKind.MEETUPS,
            "2026-11",
            _("Invite me to the yearly meetup (optional)."),
            required=False,
        ),
    ]
}
