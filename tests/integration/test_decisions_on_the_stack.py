"""Each decision on the real stack: staff decide on the application's page in admin, the
worker sends the applicant's email through SMTP in the applicant's language (Danish here),
the log records who decided and why, and only approval makes a member and a new list."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from contactlists.models import ContactList
from diagnoses.models import Association, DiagnosisGroup
from members.models import Application, ApplicationEvent, Membership
from outbox.models import OutgoingEmail

from ..conftest import admit
from ..members.conftest import confirmed
from ..members.test_review_decisions import decide_on_page

pytestmark = pytest.mark.integration

APPLICANT = "freja.christensen@example.org"


@dataclass
class Decision:
    url_name: str
    fields: dict
    status: str
    action: str
    note: str
    danish: list[str]
    admits: bool = False
    diagnosis: str = "alstrom"
    extra: dict = field(default_factory=dict)


DECISIONS = {
    "approve into the existing group": Decision(
        "approve",
        {"group": "{group}"},
        Application.Status.APPROVED,
        ApplicationEvent.Action.APPROVED,
        "Alström syndrome",
        ["Du er nu medlem af gruppen for Alström syndrome."],
        admits=True,
    ),
    "create a new group and approve": Decision(
        "new_group",
        {"name": "Kabuki syndrome", "diagnosis": "{kabuki}"},
        Application.Status.APPROVED,
        ApplicationEvent.Action.APPROVED,
        "Kabuki syndrome",
        ["Du er nu medlem af gruppen for Kabuki syndrome."],
        admits=True,
        diagnosis="kabuki",
    ),
    "refer to the association": Decision(
        "refer",
        {"association": "{association}"},
        Application.Status.REFERRED,
        ApplicationEvent.Action.REFERRED,
        "Kabuki Foreningen",
        ["Der findes en patientforening for denne diagnose", "kontakt@kabuki.example.org"],
        diagnosis="kabuki",
    ),
    "reject with a reason": Decision(
        "reject",
        {"reason": "Diagnosen er ikke sjælden nok til netværket."},
        Application.Status.REJECTED,
        ApplicationEvent.Action.REJECTED,
        "Diagnosen er ikke sjælden nok til netværket.",
        ["Diagnosen er ikke sjælden nok til netværket.", "Venlig hilsen"],
    ),
    "ask for more information": Decision(
        "ask",
        {"question": "Hvilken afdeling stillede diagnosen?"},
        Application.Status.AWAITING_INFORMATION,
        ApplicationEvent.Action.INFORMATION_REQUESTED,
        "Hvilken afdeling stillede diagnosen?",
        ["Før vi kan beslutte, har vi brug for at vide lidt mere", "/apply/answer/"],
    ),
}


@pytest.mark.parametrize("name", DECISIONS)
def test_each_decision_tells_the_applicant_in_their_language_and_is_logged(
    stack, client, secretariat, alstrom, kabuki, name
):
    decision = DECISIONS[name]
    association = Association.objects.create(
        name="Kabuki Foreningen", email="kontakt@kabuki.example.org", countries=["DK"]
    )
    association.diagnoses.add(kabuki)
    member = admit("Mette Holm", alstrom, secretariat).person
    group = member.memberships.get().group
    diagnosis = {"alstrom": alstrom, "kabuki": kabuki}[decision.diagnosis]
    application = confirmed("Freja Christensen", diagnosis, language="da")
    stack.wait_until_idle()
    stack.smtp.clear()
    lists_before = ContactList.objects.count()
    ids = {"group": group.pk, "kabuki": kabuki.pk, "association": association.pk}
    client.force_login(secretariat)

    response = decide_on_page(
        client,
        application,
        decision.url_name,
        **{key: str(value).format(**ids) for key, value in decision.fields.items()},
    )
    stack.wait_until_idle()

    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == decision.status
    [event] = application.events.filter(action=decision.action)
    assert (event.by, event.note) == (secretariat, decision.note)
    assert event.email.status == OutgoingEmail.Status.SENT
    received = stack.smtp.to(APPLICANT)
    [email] = [m for m in received if m.subject == event.email.subject]
    lists = [m for m in received if m is not email]
    assert email.subject.startswith("Din ansøgning") or "spørgsmål" in email.subject
    text = email.text()
    assert text.startswith("Kære Freja Christensen")
    for phrase in decision.danish:
        assert phrase in text
    assert re.sub(r"\s+", " ", text) == re.sub(r"\s+", " ", event.email.text)
    if decision.admits:
        membership = Membership.objects.get(application=application)
        assert membership.group.name == decision.note
        assert ContactList.objects.count() == lists_before + 1
        [welcome] = lists
        assert "Freja Christensen" in welcome.text()
    else:
        assert not Membership.objects.filter(person__email=APPLICANT).exists()
        assert ContactList.objects.count() == lists_before
        assert lists == []
        assert DiagnosisGroup.objects.count() == 1
        assert [m.recipients for m in stack.smtp.received] == [[APPLICANT]]
