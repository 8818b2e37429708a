"""The Danish network's 800 members in 240 groups, from the secretariat's spreadsheet with
the mess a real one has: the dry run counts exactly what the import then does, nobody is
sent anything until staff send the lists, and importing again (the same file, or the
network's own export) changes nothing."""

from __future__ import annotations

import datetime

from contactlists.models import ContactList, GroupChange
from diagnoses.models import DiagnosisGroup
from imports import services
from imports.exporting import export_members
from imports.models import ImportedGroup
from members.consents import ConsentKind
from members.models import Consent, Membership, Person
from members.services import record_consents
from outbox.models import OutgoingEmail

from .conftest import DANISH_HEADERS, changes, xlsx

FIRST = ["Søren", "Åse", "Mette", "Jørgen", "Ærtebølle", "Bjørn", "Maja", "Ida", "Øjvind", "Karen"]
FIRST += ["Lærke", "Anders", "Sofie", "Frederik", "Astrid", "Mads", "Freja", "Rasmus", "Signe"]
FIRST += ["Jens", "Birthe", "Niels", "Hanne", "Poul", "Lise", "Ole", "Inge", "Bo", "Tove", "Kaj"]
FIRST += [
    "Grethe",
    "Henning",
    "Dorthe",
    "Svend",
    "Bente",
    "Erik",
    "Vibeke",
    "Carl",
    "Ditte",
    "Aage",
]
LAST = ["Ågård", "Østergaard", "Nørgaard", "Bækgaard", "Sørensen", "Hansen", "Jensen", "Møller"]
LAST += ["Kjær", "Dahl", "Lund", "Holm", "Skov", "Bjørnsen", "Thøgersen", "Læsø", "Brødsgaard"]
LAST += ["Friis", "Vestergård", "Mørch"]

PEOPLE = 800
# Rows that cannot be taken, each with the column at fault.
BAD = {
    400: ("Land", "Tyskland", "is outside the network"),
    401: ("Telefon", "12 34", "is not a phone number in Denmark"),
    402: ("Samtykkedato", "31-02-2019", "is not a date that can be read"),
    403: ("E-mail", "", "No email and no full postal address"),
}
# Typed so that no catalogue entry matches it exactly: staff choose from the closest.
UNCERTAIN = 500


def name(i: int) -> str:
    return f"{FIRST[i % 40]} {LAST[i // 40]}"


def phone(i: int) -> str:
    digits = str(28000000 + i)
    return [
        f"{digits[:2]} {digits[2:4]} {digits[4:6]} {digits[6:]}",
        f"+45{digits}",
        f"0045 {digits[:4]} {digits[4:]}",
    ][i % 3]


def diagnosis_cell(catalogue, g: int) -> str:
    entry = catalogue[g]
    return [entry.name, f"ORPHA:{entry.orpha_code}", str(entry.orpha_code), entry.name.upper()][
        g % 4
    ]


def spreadsheet(catalogue) -> list[list[object]]:
    rows: list[list[object]] = [DANISH_HEADERS]
    for i in range(PEOPLE):
        group = i % 240
        street = f"Søndergade {i + 1}"
        row = [
            name(i),
            f"person{i}@eksempel.dk",
            phone(i),
            street,
            str(8000 + i % 100),
            "Århus C",
            "Danmark" if i % 2 else "",
            "forælder" if i % 3 else "patient",
            diagnosis_cell(catalogue, group),
            "01-03-2019",
        ]
        if 10 <= i < 15:
            # Several diagnoses in one cell, one per line or separated by ";".
            other = diagnosis_cell(catalogue, (group + 100) % 240)
            row[8] = f"{row[8]}\n{other}" if i % 2 else f"{row[8]}; {other}"
        if i in (102, 103, 200):
            row[1] = ""  # no email, but a postal address: kept
        if i == 201:
            row[2] = "+47 41 23 45 67"
            row[6] = "Norge"
        if i == 202:
            row[5] = "=1+1"  # a formula: read as its text, never worked out
        if i in BAD:
            column, value, _reason = BAD[i]
            row[DANISH_HEADERS.index(column)] = value
            if i == 403:
                row[3] = ""
        if i == UNCERTAIN:
            row[8] = catalogue[group].name.replace("syndrom ", "")
        rows.append(row)
        if i < 10:
            # A person in two groups: a second row, the second diagnosis.
            rows.append([*row[:8], diagnosis_cell(catalogue, (group + 120) % 240), row[9]])
        if i % 200 == 0:
            rows.append([""] * len(DANISH_HEADERS))  # a blank row
            rows.append(list(row))  # a row typed twice
    return rows


def existing_members(catalogue, secretariat) -> None:
    """Five of them are members already: the import finds them."""
    for i in (100, 101, 102, 103, 104):
        person = Person.objects.create(
            full_name=name(i),
            email=f"person{i}@eksempel.dk" if i != 104 else "old.address@eksempel.dk",
            phone=f"+45{28000000 + i}" if i != 104 else "",
            street_address=f"Søndergade {i + 1}",
            postal_code=str(8000 + i % 100),
            city="Århus C" if i != 101 else "Aarhus",
            country="DK",
            relationship="parent" if i % 3 else "patient",
        )
        if i == 100:
            # Applied through the network's own form: their consent is theirs, not the sheet's.
            record_consents(
                Consent(person=person, kind=kind, version="2026-12", given=True)
                for kind in (ConsentKind.SHARE_CONTACT_DETAILS, ConsentKind.HEALTH_DATA)
            )
            group = DiagnosisGroup.objects.create(name=catalogue[100].name)
            group.diagnoses.add(catalogue[100])
            Membership.objects.create(person=person, group=group)
    # Forty of the groups exist already, covering their diagnosis.
    for g in range(40):
        DiagnosisGroup.objects.create(name=f"Gruppe {g}").diagnoses.add(catalogue[g])


def test_a_messy_spreadsheet_is_counted_exactly_imported_once_and_sent_when_staff_choose(
    catalogue,
    secretariat,
    dry_run,
    confirm,
    after_commit,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    existing_members(catalogue, secretariat)
    people_before = Person.objects.count()
    data = xlsx(spreadsheet(catalogue))

    checked = dry_run(data, secretariat, consent_version="papir-2019")
    counts = checked.counts
    assert Person.objects.count() == people_before  # the dry run saves nothing
    outcomes = {outcome["row"]: outcome for outcome in checked.outcomes}
    assert counts["rows"] == PEOPLE + 10 + 4 * 2
    assert counts["blank"] == 4
    assert counts["repeated"] == 4
    assert counts["errors"] == len(BAD)
    assert counts["to_choose"] == 1
    # 800 people, of whom 5 are in the database already and 5 wait or fail.
    assert counts["people_new"] == PEOPLE - 5 - 5
    assert counts["people_found_by_email"] == 2
    assert counts["people_found_by_phone"] == 2
    assert counts["people_found_by_name_and_postal_code"] == 1
    assert counts["people_changed"] == 2
    # Each ready person's group, 10 second rows, 5 second diagnoses; one is a member already.
    assert counts["memberships_new"] == (PEOPLE - 5) + 10 + 5 - 1
    # 240 groups: 40 existed, one more (person 100's), the other 199 are new.
    assert counts["groups_new"] == 199
    # Two consents each, but not for the member who gave them in the network's own form.
    assert counts["consents_new"] == 2 * (PEOPLE - 5 - 1)

    bad_rows = [o for o in checked.outcomes if o["status"] == "error"]
    reasons = {o["name"]: o["errors"] for o in bad_rows}
    for i, (column, _value, reason) in BAD.items():
        [error] = reasons[name(i)]
        assert error["column"] == column
        assert reason in error["message"]
    [waiting] = [o for o in checked.outcomes if o["status"] == "choose"]
    [typed] = waiting["diagnoses"]
    assert len(typed["candidates"]) <= 3
    assert catalogue[UNCERTAIN % 240].pk in [pk for pk, _label in typed["candidates"]]
    assert any(
        o.get("found_by") == "name_postal_code" and o["changes"] == ["email", "phone"]
        for o in outcomes.values()
    )

    imported = confirm(checked, secretariat)
    assert imported.counts == counts
    assert Person.objects.count() == people_before + counts["people_new"]
    assert Membership.objects.count() == 1 + counts["memberships_new"]
    assert DiagnosisGroup.objects.count() == 41 + counts["groups_new"]
    assert (
        Consent.objects.filter(source="paper", version="papir-2019").count()
        == counts["consents_new"]
    )
    assert (
        Consent.objects.filter(given_on=datetime.date(2019, 3, 1)).count() == counts["consents_new"]
    )
    assert Person.objects.get(full_name=name(202)).city == "=1+1"
    without_email = Person.objects.get(full_name=name(200))
    assert without_email.email == ""
    assert without_email.receives_lists_by_post
    assert Person.objects.get(full_name=name(201)).country == "NO"
    assert {
        str(p.phone.as_e164)
        for p in Person.objects.filter(full_name__in=[name(i) for i in range(3)])
    } == {f"+45{28000000 + i}" for i in range(3)}
    assert Person.objects.get(full_name=name(101)).city == "Århus C"
    assert Person.objects.get(full_name=name(104)).email == "person104@eksempel.dk"
    # Nothing was sent, nor is anything waiting to be built.
    assert mailoutbox == []
    assert not OutgoingEmail.objects.exists()
    assert not GroupChange.objects.exists()
    assert imported.groups.count() == 240

    # The same file again: nothing changes.
    again = dry_run(data, secretariat, consent_version="papir-2019")
    assert changes(again.counts) == {"to_choose": 1, "errors": len(BAD)} | {
        key: 0
        for key in ("people_new", "people_changed", "memberships_new", "groups_new", "consents_new")
    }
    confirm(again, secretariat)
    assert Person.objects.count() == people_before + counts["people_new"]
    assert not again.groups.exists()

    # The row that waited: staff choose the entry, and import only that row.
    with after_commit():
        services.choose_diagnoses(
            again, {typed["typed"]: catalogue[UNCERTAIN % 240]}, by=secretariat
        )
    again.refresh_from_db()
    assert again.counts["to_choose"] == 0
    assert again.counts["people_new"] == 1
    confirm(again, secretariat)
    assert [g.group.name for g in again.groups.all()] == [
        DiagnosisGroup.objects.covering(catalogue[UNCERTAIN % 240]).get().name
    ]

    # The network's own export, in both formats, imports to no change.
    for file_format in ("xlsx", "csv"):
        exported = export_members(None, file_format, by=secretariat)
        round_trip = dry_run(exported, secretariat)
        assert changes(round_trip.counts) == {key: 0 for key in changes(round_trip.counts)}
        assert round_trip.counts["ready"] == Membership.objects.count()

    # Staff send the lists: one new version per group, an email to each member in the
    # outbox (whose own tests send them; here the builds run, the sending waits).
    with django_capture_on_commit_callbacks() as builds:
        assert services.send_imported_lists(imported, by=secretariat) == 240
    for build in builds:
        build()
    assert ContactList.objects.count() == 240
    assert set(ContactList.objects.values_list("version", flat=True)) == {1}
    # An email to each member, but the one without email, whose list goes by post.
    by_email = Membership.objects.filter(
        group__in=imported.groups.values("group"), person__receives_lists_by_post=False
    )
    assert OutgoingEmail.objects.filter(kind="contact_list").count() == by_email.count()
    assert ImportedGroup.objects.filter(member_import=imported, list_sent_at=None).count() == 0
    # Sending again sends nothing more.
    with after_commit():
        assert services.send_imported_lists(imported, by=secretariat) == 0
    assert ContactList.objects.count() == 240
