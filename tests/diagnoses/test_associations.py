"""The register of patient associations in admin: the secretariat keeps it, a group that
founded its association names it, referral finds an association by a subtype too, and the
demo data has a few."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnoses.models import Association, Diagnosis, DiagnosisGroup
from diagnoses.services import save_diagnosis
from network import demo


@pytest.fixture
def kabuki_type_1(kabuki):
    subtype = save_diagnosis(
        Diagnosis(orpha_code=369, name="Kabuki syndrome type 1", level=Diagnosis.Level.SUBTYPE)
    )
    subtype.parents.add(kabuki)
    return subtype


@pytest.fixture
def staff(client, secretariat):
    client.force_login(secretariat)
    # In English, so that the texts asserted read as written whatever translations exist.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def association_form(**overrides) -> dict:
    data = {
        "name": "Kabuki Families",
        "website": "https://kabuki.example.org/",
        "email": "kabuki@example.org",
        "phone": "+4520123456",
        "countries": ["DK", "NO"],
        "diagnoses": [],
        "is_umbrella_member": "on",
    }
    data.update(overrides)
    return data


def test_the_secretariat_adds_an_association_through_admin(staff, kabuki):

    response = staff.post(
        reverse("admin:diagnoses_association_add"), association_form(diagnoses=[kabuki.pk])
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    association = Association.objects.get()
    assert association.name == "Kabuki Families"
    assert association.website == "https://kabuki.example.org/"
    assert association.email == "kabuki@example.org"
    assert association.phone == "+4520123456"
    assert [c.code for c in association.countries] == ["DK", "NO"]
    assert list(association.diagnoses.all()) == [kabuki]
    assert association.is_umbrella_member


def test_the_secretariat_changes_and_deletes_an_association(staff, kabuki, alstrom):
    association = Association.objects.create(name="Kabuki Families", countries=["DK"])
    association.diagnoses.add(kabuki)
    change = reverse("admin:diagnoses_association_change", args=[association.pk])

    response = staff.post(
        change,
        association_form(
            name="Nordic Kabuki Families",
            countries=["DK", "SE"],
            diagnoses=[kabuki.pk, alstrom.pk],
            is_umbrella_member="",
        ),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    association.refresh_from_db()
    assert association.name == "Nordic Kabuki Families"
    assert [c.code for c in association.countries] == ["DK", "SE"]
    assert set(association.diagnoses.all()) == {kabuki, alstrom}
    assert not association.is_umbrella_member

    delete = reverse("admin:diagnoses_association_delete", args=[association.pk])
    assert staff.post(delete, {"post": "yes"}).status_code == 302
    assert not Association.objects.exists()


def test_diagnoses_for_an_association_are_picked_by_searching_the_catalogue(staff, kabuki, alstrom):

    response = staff.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "diagnoses",
            "model_name": "association",
            "field_name": "diagnoses",
            "term": "niikawa",
        },
    )

    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(kabuki.pk)]


def test_the_association_list_shows_countries_membership_and_diagnoses_at_a_steady_cost(
    staff, kabuki, alstrom
):
    def register(count: int) -> None:
        for i in range(Association.objects.count(), count):
            association = Association.objects.create(
                name=f"Association {i:02}", countries=["DK", "NO"], is_umbrella_member=i % 2 == 0
            )
            association.diagnoses.add(kabuki, alstrom)

    changelist = reverse("admin:diagnoses_association_changelist")
    register(3)
    with CaptureQueriesContext(connection) as few:
        response = staff.get(changelist)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Denmark, Norway" in page
    assert '<td class="field-diagnosis_count">2</td>' in page

    register(30)
    with CaptureQueriesContext(connection) as many:
        response = staff.get(changelist)
    assert "Association 29" in response.content.decode()
    assert len(many) == len(few)


def test_the_association_list_filters_by_umbrella_membership(staff):
    Association.objects.create(name="In the umbrella", is_umbrella_member=True)
    Association.objects.create(name="On its own", is_umbrella_member=False)

    response = staff.get(
        reverse("admin:diagnoses_association_changelist"), {"is_umbrella_member__exact": "0"}
    )

    assert [a.name for a in response.context["cl"].result_list] == ["On its own"]


def test_a_group_with_its_own_association_must_name_it_next_to_the_field(staff, kabuki):
    group = DiagnosisGroup.objects.create(name="Kabuki syndrome")
    group.diagnoses.add(kabuki)

    response = staff.post(
        reverse("admin:diagnoses_diagnosisgroup_change", args=[group.pk]),
        {
            "name": "Kabuki syndrome and subtypes",
            "diagnoses": [kabuki.pk],
            "status": DiagnosisGroup.Status.HAS_ASSOCIATION,
            "association": "",
        },
    )

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors == {"association": ["Choose the association the group has."]}
    page = response.content.decode()
    row = page[page.index('class="form-row errors field-association"') :]
    assert row.index("Choose the association the group has.") < row.index("</select>")
    # What staff typed is still there to correct.
    assert form["name"].value() == "Kabuki syndrome and subtypes"
    assert form["status"].value() == DiagnosisGroup.Status.HAS_ASSOCIATION
    assert [str(pk) for pk in form["diagnoses"].value()] == [str(kabuki.pk)]
    group.refresh_from_db()
    assert (group.name, group.status) == ("Kabuki syndrome", DiagnosisGroup.Status.OPEN)


def test_a_group_points_to_the_association_it_founded(staff, kabuki):
    group = DiagnosisGroup.objects.create(name="Kabuki syndrome")
    association = Association.objects.create(name="Kabuki Families")

    response = staff.post(
        reverse("admin:diagnoses_diagnosisgroup_change", args=[group.pk]),
        {
            "name": "Kabuki syndrome",
            "diagnoses": [kabuki.pk],
            "status": DiagnosisGroup.Status.HAS_ASSOCIATION,
            "association": association.pk,
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    group.refresh_from_db()
    assert group.association == association
    listing = staff.get(reverse("admin:diagnoses_diagnosisgroup_changelist"))
    assert '<td class="field-association nowrap">Kabuki Families</td>' in listing.content.decode()


def test_an_association_for_a_disorder_covers_its_subtypes(kabuki, kabuki_type_1, alstrom):
    for_kabuki = Association.objects.create(name="Kabuki Families")
    for_kabuki.diagnoses.add(kabuki)
    Association.objects.create(name="Alström Families").diagnoses.add(alstrom)

    assert list(Association.objects.covering(kabuki_type_1)) == [for_kabuki]
    assert list(Association.objects.covering(kabuki)) == [for_kabuki]


def test_an_association_for_a_subtype_does_not_cover_the_whole_disorder(kabuki, kabuki_type_1):
    Association.objects.create(name="Kabuki type 1 Families").diagnoses.add(kabuki_type_1)

    assert not Association.objects.covering(kabuki).exists()


@pytest.mark.parametrize("page", ["changelist", "add"])
def test_an_anonymous_visitor_cannot_reach_the_association_admin(visitor, db, page):
    url = reverse(f"admin:diagnoses_association_{page}")

    response = visitor.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_the_demo_data_has_associations_and_a_group_that_founded_one(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path

    call_command("load_demo_data", stdout=io.StringIO())

    assert Association.objects.count() == len(demo.ASSOCIATIONS)
    code, name = demo.FOUNDED_ASSOCIATION
    group = DiagnosisGroup.objects.get(diagnoses__orpha_code=code)
    assert group.status == DiagnosisGroup.Status.HAS_ASSOCIATION
    assert group.association.name == name
