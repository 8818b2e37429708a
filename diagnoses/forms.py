from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries


class AssociationSearchForm(forms.Form):
    """The public register's search: by association or diagnosis name, and by country."""

    q = forms.CharField(
        label=_("Association or diagnosis"),
        required=False,
        max_length=200,
        widget=forms.SearchInput,
        help_text=_("A name, part of a name, or an ORPHA code."),
    )
    country = forms.ChoiceField(label=_("Country"), required=False)

    def __init__(self, *args, country_codes: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        if len(country_codes) < 2:
            # Nothing to choose between.
            del self.fields["country"]
            return
        # Built for each request: country names are in the page's language.
        named = sorted((str(countries.name(code)), code) for code in country_codes)
        cast(forms.ChoiceField, self.fields["country"]).choices = [("", _("All countries"))] + [
            (code, name) for name, code in named
        ]
