"""Many members are alone in their diagnosis group, some for years. The welcome of someone
alone says so kindly and points to the online group across diagnoses; when a second member
joins, the first is told warmly that they are no longer alone."""

from __future__ import annotations

from .conftest import join, list_emails

ALONE = "For now you are the only member of the group."
ONLINE_GROUP = "closed online group"


def test_the_first_member_is_welcomed_as_alone_and_told_when_someone_joins(
    alstrom, secretariat, after_commit, mailoutbox
):
    with after_commit():
        mette = join("Mette Holm", alstrom, secretariat)

    [welcome] = list_emails(mailoutbox, to=mette.email)
    assert ALONE in welcome.text() and ALONE in welcome.html()
    assert ONLINE_GROUP in welcome.text()
    mailoutbox.clear()

    with after_commit():
        jonas = join("Jonas Berg", alstrom, secretariat)

    [news] = list_emails(mailoutbox, to=mette.email)
    assert news.subject == (
        "You are no longer alone in the Alström syndrome group: your new contact list"
    )
    assert "You are no longer alone in the Alström syndrome group" in news.text()
    assert "[NEW] Jonas Berg" in news.text()
    [welcome] = list_emails(mailoutbox, to=jonas.email)
    assert ALONE not in welcome.text()
    assert "Welcome" in welcome.subject
    mailoutbox.clear()

    with after_commit():
        join("Freja Christensen", alstrom, secretariat)

    [update] = list_emails(mailoutbox, to=mette.email)
    assert update.subject == "Updated contact list for Alström syndrome (version 3)"
    assert "no longer alone" not in update.text()
