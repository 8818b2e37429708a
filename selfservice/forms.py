from __future__ import annotations

import re

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from members.consents import CONSENT_TEXTS
from members.forms import allowed_country_names, check_phone_for_country, country_choices
from members.models import Person, language_choices

# Postal codes as each Nordic post office writes them, the country code in front allowed
# ("DK-8000", "FO-100"). A country not named here is taken as typed.
POSTAL_CODES = {
    "DK": r"\d{4}",
    "NO": r"\d{4}",
    "SE": r"\d{3} ?\d{2}",
    "FI": r"\d{5}",
    "AX": r"22\d{3}",
    "IS": r"\d{3}",
    "GL": r"39\d{2}",
    "FO": r"\d{3}",
}

# The details a member changes here, and which of them the group sees.
DETAIL_FIELDS = [
    "full_name",
    "birth_year",
    "street_address",
    "postal_code",
    "city",
    "country",
    "phone",
    "email",
    "language",
]
SHARING_FIELDS = ["share_address", "share_phone", "share_relationship", "share_birth_year"]


class SignInForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("The address at which you receive the contact lists."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("send", _("Send me a link"), css_class="btn-primary btn-lg"))


class DetailsForm(forms.Form):
    """A member's contact details and what of them the group sees, as on the sign-up form."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    birth_year = forms.IntegerField(
        label=_("Birth year of the person with the diagnosis (optional)"),
        required=False,
        min_value=1900,
        help_text=_("Parents often look for families with children of the same age."),
    )
    street_address = forms.CharField(
        label=_("Street address"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    city = forms.CharField(
        label=_("Town or city"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    country = forms.ChoiceField(
        label=_("Country"),
        choices=country_choices,
        widget=forms.Select(attrs={"autocomplete": "country"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    language = forms.ChoiceField(
        label=_("Language"),
        choices=language_choices,
        help_text=_("Your emails, contact lists and these pages come in this language."),
    )
    share_address = forms.BooleanField(label=_("Show my postal address"), required=False)
    share_phone = forms.BooleanField(label=_("Show my phone number"), required=False)
    share_relationship = forms.BooleanField(
        label=_("Show my relationship to the diagnosis"), required=False
    )
    share_birth_year = forms.BooleanField(label=_("Show the birth year"), required=False)

    def __init__(self, *args, person: Person, **kwargs):
        kwargs.setdefault("initial", initial_details(person))
        super().__init__(*args, **kwargs)
        self.person = person
        this_year = timezone.now().year
        self.fields["birth_year"].validators.append(MaxValueValidator(this_year))
        self.fields["birth_year"].widget.attrs["max"] = this_year
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Fieldset(_("About you"), "full_name", "birth_year"),
            Fieldset(_("Address"), "street_address", "postal_code", "city", "country"),
            Fieldset(_("How to reach you"), "phone", "email", "language"),
            Fieldset(
                _("What your group sees"),
                HTML(
                    format_lazy(
                        '<p class="form-text">{}</p>',
                        _(
                            "Your name and email address are always shown to the other "
                            "members of your groups: that is how they can reach you. "
                            "Choose what else they see."
                        ),
                    )
                ),
                *SHARING_FIELDS,
            ),
            Div(
                Submit("save", _("Save my details"), css_class="btn-primary btn-lg"),
                css_class="mt-4",
            ),
        )

    def clean_country(self) -> str:
        country = self.cleaned_data["country"]
        if country not in settings.NETWORK_ALLOWED_COUNTRIES:
            raise forms.ValidationError(
                _(
                    "The network is for people who live in %(countries)s. If you have moved "
                    "to %(country)s, please write to the secretariat."
                ),
                params={"countries": allowed_country_names(), "country": countries.name(country)},
                code="country_not_allowed",
            )
        return country

    def clean_email(self) -> str:
        email = self.cleaned_data["email"]
        if Person.objects.filter(email__iexact=email).exclude(pk=self.person.pk).exists():
            raise forms.ValidationError(ADDRESS_TAKEN, code="address_taken")
        return email

    def clean(self):
        cleaned = super().clean()
        check_phone_for_country(self, cleaned)
        pattern = POSTAL_CODES.get(cleaned.get("country", ""))
        postal_code = cleaned.get("postal_code", "").strip().upper()
        if pattern and postal_code:
            prefixed = rf"(?:{cleaned['country']}[- ]?)?{pattern}"
            if not re.fullmatch(prefixed, postal_code):
                self.add_error(
                    "postal_code",
                    forms.ValidationError(
                        _("This does not look like a postal code in %(country)s."),
                        params={"country": countries.name(cleaned["country"])},
                        code="invalid_postal_code",
                    ),
                )
        return cleaned

    def changes(self) -> dict:
        """The details as typed, ready for members.services.update_contact_details."""
        changes = {name: self.cleaned_data[name] for name in [*DETAIL_FIELDS, *SHARING_FIELDS]}
        for name in TEXT_FIELDS:
            changes[name] = changes[name].strip()
        return changes


TEXT_FIELDS = ["full_name", "street_address", "postal_code", "city"]

# Said alike whether the address is another member's or cannot be taken for another
# reason: the form must not tell a member who else belongs to the network.
ADDRESS_TAKEN = _(
    "This address cannot be used for your membership. Please write to the secretariat, "
    "who will help."
)


def initial_details(person: Person) -> dict:
    return {
        **{name: getattr(person, name) for name in DETAIL_FIELDS},
        **{name: getattr(person, name) for name in SHARING_FIELDS},
        "country": person.country.code,
        "phone": str(person.phone) if person.phone else "",
    }


class ConsentsForm(forms.Form):
    """The optional consents, each with its text as the sign-up form showed it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, consent in CONSENT_TEXTS.items():
            if not consent.required:
                self.fields[kind] = forms.BooleanField(label=consent.text, required=False)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("save", _("Save my choices"), css_class="btn-primary btn-lg"))
