"""The diagnosis is needed, and the form marks it as it marks every other needed field: an
asterisk after its label, and `required` for a screen reader to announce. A diagnosis picked
from the catalogue still counts as an answer, whatever the search box holds."""

from __future__ import annotations

from members.models import Application

from ..conftest import applicant
from .page import Page


def test_the_diagnosis_field_carries_the_asterisk_and_required(client):
    page = Page(client.get("/apply/").content)

    for field in ["id_full_name", "id_diagnosis_query"]:
        [label] = page.find("label", **{"for": field})
        asterisks = [e for e in page.with_class("asteriskField") if label in e.ancestors]
        assert [e.text for e in asterisks] == ["*"], field
        assert "required" in page.by_id(field).attrs, field


def test_a_diagnosis_picked_from_the_catalogue_counts_with_the_search_box_emptied(client, alstrom):
    response = client.post("/apply/", applicant("Freja Christensen", alstrom, diagnosis_query=""))

    assert response.status_code == 302
    assert Application.objects.get().diagnosis == alstrom
