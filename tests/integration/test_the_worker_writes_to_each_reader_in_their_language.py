"""Languages on the real stack: the worker, a process with the deployed settings, sends a
Danish applicant the confirmation in Danish, and the list in each member's own language."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from members import services
from members.models import Application, Person

from ..conftest import admit, applicant

pytestmark = pytest.mark.integration


def lists_to(address: str, stack) -> list:
    """The contact-list emails (the ones with the list attached) that reached `address`."""
    return [
        mail
        for mail in stack.smtp.to(address)
        if any((part.get_filename() or "").endswith(".csv") for part in mail.message.walk())
    ]


def test_the_worker_writes_to_each_reader_in_their_language(
    danish_site, stack, client, alstrom, secretariat
):
    jonas = admit("Jonas Berg", alstrom, secretariat).person
    Person.objects.filter(pk=jonas.pk).update(language="en")
    stack.wait_until_idle()
    stack.smtp.clear()

    # Freja fills the form in on the Danish page.
    response = client.post("/apply/", applicant("Freja Christensen", alstrom))
    assert response.status_code == 302

    assert stack.smtp.wait_for(1) == 1
    [confirmation] = stack.smtp.to("freja.christensen@example.org")
    assert confirmation.subject == "Bekræft din ansøgning til Kontaktnetværk for sjældne diagnoser"
    assert "Åbn dette link for at bekræfte din e-mailadresse" in confirmation.text()
    link = re.search(r"https?://\S+/apply/confirm/\S+/", confirmation.text()).group(0)
    assert "Din e-mail er bekræftet" in client.get(urlparse(link).path).content.decode()
    stack.smtp.clear()

    application = Application.objects.get(email="freja.christensen@example.org")
    services.approve_application(application, by=secretariat)

    stack.wait_until_idle()
    [welcome] = lists_to("freja.christensen@example.org", stack)
    assert welcome.subject == "Velkommen i gruppen Alström syndrome: din kontaktliste"
    assert "Du har aldrig pligt til at kontakte nogen" in welcome.text()
    # Split at semicolons, as spreadsheet programs set to Danish expect.
    assert welcome.attachment(".csv").startswith("Navn;Tilknytning;Fødselsår")
    # Jonas was alone in the group until Freja joined: he is told so, in English.
    [update] = lists_to(jonas.email, stack)
    assert update.subject == (
        "You are no longer alone in the Alström syndrome group: your new contact list"
    )
    assert "the list below has someone new on it, marked NEW." in update.text()
    assert update.attachment(".csv").startswith("Name,Relationship,Birth year")
