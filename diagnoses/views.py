from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import render
from django.utils import translation

from network.ratelimits import limited

from . import search
from .forms import AssociationSearchForm
from .models import Diagnosis

ASSOCIATIONS_PER_PAGE = 25


def is_search(request) -> bool:
    return bool(request.GET.get("q", "").strip())


def page_link(request, number: int) -> str:
    """The query of another page of the same search."""
    query = request.GET.copy()
    query["page"] = str(number)
    return "?" + query.urlencode()


# Listing the register is cheap; a search reads the catalogue, and counts as one.
@limited("search", methods=("GET",), only=is_search)
def associations(request):
    form = AssociationSearchForm(request.GET, country_codes=search.association_countries())
    if form.is_valid():
        found = search.find_associations(
            form.cleaned_data["q"], form.cleaned_data.get("country", "")
        )
    else:
        found = search.find_associations()
    # A page at a time: the register of a national umbrella runs to hundreds.
    page = Paginator(found, ASSOCIATIONS_PER_PAGE).get_page(request.GET.get("page"))
    found = list(
        page.object_list.prefetch_related(
            Prefetch("diagnoses", queryset=Diagnosis.objects.only("name", "orpha_code"))
        )
    )
    # Each diagnosis in the reader's language where staff named it so, beside Orphanet's.
    covered = [diagnosis for association in found for diagnosis in association.diagnoses.all()]
    local = search.local_names(covered, translation.get_language() or "")
    for diagnosis in covered:
        diagnosis.local_name = local.get(diagnosis.pk, "")
    return render(
        request,
        "diagnoses/associations.html",
        {
            "form": form,
            "associations": found,
            "page": page,
            "previous_page": page_link(request, page.previous_page_number())
            if page.has_previous()
            else "",
            "next_page": page_link(request, page.next_page_number()) if page.has_next() else "",
            "searched": form.is_valid() and any(form.cleaned_data.values()),
        },
    )
