from __future__ import annotations

from django.db.models import Prefetch
from django.shortcuts import render

from network.ratelimits import limited

from . import search
from .forms import AssociationSearchForm
from .models import Diagnosis


def is_search(request) -> bool:
    return bool(request.GET.get("q", "").strip())


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
    found = found.prefetch_related(
        Prefetch("diagnoses", queryset=Diagnosis.objects.only("name", "orpha_code"))
    )
    return render(
        request,
        "diagnoses/associations.html",
        {
            "form": form,
            "associations": found,
            "searched": form.is_valid() and any(form.cleaned_data.values()),
        },
    )
