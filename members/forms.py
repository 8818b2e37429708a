from __future__ import annotations

from crispy_forms.bootstrap import StrictButton
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Fieldset, Layout, Submit
from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.utils import timezone, translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from phonenumber_field.phonenumber import to_python

from diagnoses.models import Diagnosis
from diagnoses.search import MAX_QUERY_LENGTH, is_searchable, local_names, search_diagnoses
from network.honeypot import HoneypotField, honeypot_layout

from .consents import CONSENT_TEXTS
from .models import Relationship
from .services import ApplicantDetails
from .validators import (
    ANSWER_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    TOO_LONG_MESSAGE,
    no_invisible_characters,
)

SEARCH_BUTTON = "search_diagnosis"
AS_TYPED = "as-typed"

QUERY_TOO_LONG = _(
    "This is too long to search the catalogue. Type just the name of the diagnosis, an ORPHA "
    "code or an ICD-10 code, in at most %(limit_value)d characters."
)

# The form speaks to the applicant; the contact list speaks about them (Relationship's labels).
RELATIONSHIP_CHOICES = [
    (Relationship.PATIENT, _("I have the diagnosis myself")),
    (Relationship.PARENT, _("I am a parent of a person with the diagnosis")),
    (Relationship.RELATIVE, _("I am another close relative (partner, sibling, ...)")),
    (Relationship.GUARDIAN, _("I am a guardian of a person with the diagnosis")),
]


def allowed_country_names() -> str:
    return ", ".join(str(countries.name(code)) for code in settings.NETWORK_ALLOWED_COUNTRIES)


def country_choices() -> list:
    allowed = settings.NETWORK_ALLOWED_COUNTRIES
    return [
        ("", _("Choose a country")),
        (_("Countries the network covers"), [(code, countries.name(code)) for code in allowed]),
        (_("Other countries"), [(code, name) for code, name in countries if code not in allowed]),
    ]


def check_phone_for_country(form: forms.Form, cleaned: dict) -> None:
    """Judge the "phone" field as a number in the chosen "country" (or in the one its +code
    names): the parsed number goes into `cleaned`, or an error to the field. Shared by every
    form where people give their phone, so that all judge it alike."""
    phone = cleaned.get("phone")
    # Without a valid country a national number cannot be judged; the country's own
    # error says what to fix, and the phone is checked once it is right.
    if phone and (cleaned.get("country") or phone.lstrip().startswith("+")):
        number = to_python(phone, region=cleaned.get("country") or None)
        if number is None or not number.is_valid():
            form.add_error(
                "phone",
                forms.ValidationError(
                    _(
                        "This does not look like a phone number in %(country)s. "
                        "Check the digits, or start with + and the country code."
                    ),
                    params={
                        "country": countries.name(form.data.get("country", ""))
                        or _("the chosen country")
                    },
                    code="invalid_phone",
                ),
            )
        else:
            cleaned["phone"] = number


class DiagnosisQueryField(forms.CharField):
    """The typed diagnosis: needed, and marked so (an asterisk, `required` read out), but an
    empty box is judged in the form's clean(), where a diagnosis picked from the catalogue
    counts as an answer too."""

    def validate(self, value):
        if value not in self.empty_values:
            super().validate(value)


class ApplicationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        validators=[no_invisible_characters],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    relationship = forms.ChoiceField(
        label=_("Your relationship to the diagnosis"),
        choices=RELATIONSHIP_CHOICES,
        widget=forms.RadioSelect,
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
        validators=[no_invisible_characters],
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=16,
        validators=[no_invisible_characters],
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    city = forms.CharField(
        label=_("Town or city"),
        max_length=100,
        validators=[no_invisible_characters],
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    country = forms.ChoiceField(
        label=_("Country"), widget=forms.Select(attrs={"autocomplete": "country"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=32,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    email = forms.EmailField(
        label=_("Email"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    diagnosis_query = DiagnosisQueryField(
        label=_("Diagnosis"),
        max_length=MAX_QUERY_LENGTH,
        error_messages={"max_length": QUERY_TOO_LONG},
        help_text=_(
            "Type the name, an ORPHA code or an ICD-10 code and search our catalogue. "
            "If you do not find it, just send what you typed."
        ),
    )
    diagnosis = forms.ModelChoiceField(
        label=_("Matches in the catalogue"),
        required=False,
        widget=forms.RadioSelect,
        queryset=Diagnosis.objects.filter(is_active=True),
        empty_label=None,
    )
    note = forms.CharField(
        label=_("Anything you would like to tell the secretariat (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        error_messages={"max_length": TOO_LONG_MESSAGE},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    website = HoneypotField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = country_choices()
        this_year = timezone.now().year
        self.fields["birth_year"].validators.append(MaxValueValidator(this_year))
        self.fields["birth_year"].widget.attrs["max"] = this_year
        for kind, consent in CONSENT_TEXTS.items():
            self.fields[f"consent_{kind}"] = forms.BooleanField(
                label=consent.text,
                required=consent.required,
                error_messages={"required": _("Joining the network needs this consent.")},
            )
        # Read before the form is cleaned (the search button shows matches without
        # judging the rest), so bounded here: a query too long to be a name is not searched.
        self.query_too_long = not is_searchable(self.typed_diagnosis)
        self.matches = (
            list(search_diagnoses(self.typed_diagnosis))
            if self.typed_diagnosis and not self.query_too_long
            else []
        )
        local = local_names(self.matches, translation.get_language() or "")
        self.fields["diagnosis"].widget.choices = [
            # In the reader's language where staff gave the entry a name in it, with
            # Orphanet's name and code beside it.
            *[
                (diagnosis.pk, diagnosis.label(local.get(diagnosis.pk, "")))
                for diagnosis in self.matches
            ],
            (AS_TYPED, _("None of these: send the diagnosis as I typed it")),
        ]
        # Its own value, so that no choice is ticked until the applicant picks one.
        self.fields["diagnosis"].empty_values = [*self.fields["diagnosis"].empty_values, AS_TYPED]
        self.helper = self._helper()

    @property
    def typed_diagnosis(self) -> str:
        source = self.data if self.is_bound else self.initial
        return (source.get("diagnosis_query") or "").strip()

    def _helper(self) -> FormHelper:
        helper = FormHelper()
        helper.form_tag = False
        results = []
        diagnosis_fields = [
            "diagnosis_query",
            StrictButton(
                _("Search the catalogue"),
                type="submit",
                name=SEARCH_BUTTON,
                value="1",
                css_class="btn-outline-primary mb-3",
                formnovalidate="formnovalidate",
            ),
        ]
        if self.query_too_long:
            results.append(
                HTML(
                    format_lazy(
                        '<p class="alert alert-warning" role="status">{}</p>',
                        QUERY_TOO_LONG % {"limit_value": MAX_QUERY_LENGTH},
                    )
                )
            )
        elif self.matches:
            results.append("diagnosis")
        elif self.typed_diagnosis:
            results.append(
                HTML(
                    format_lazy(
                        '<p class="alert alert-info" role="status">{}</p>',
                        _("No match in the catalogue. That is fine: we will read what you typed."),
                    )
                )
            )
        if results:
            # After a search (the form is then unbound) focus moves to what it found, which
            # is read out and scrolled to, without a script; after a submission the error
            # summary takes focus instead.
            searched = {} if self.is_bound else {"autofocus": "autofocus"}
            diagnosis_fields.append(
                Div(
                    *results,
                    css_id="diagnosis-results",
                    role="region",
                    tabindex="-1",
                    aria_label=_("Catalogue search results"),
                    **searched,
                )
            )
        helper.layout = Layout(
            Fieldset(_("About you"), "full_name", "relationship", "birth_year"),
            Fieldset(_("Address"), "street_address", "postal_code", "city", "country"),
            Fieldset(_("How to reach you"), "phone", "email"),
            Fieldset(_("Diagnosis"), *diagnosis_fields),
            Fieldset(_("Note"), "note"),
            honeypot_layout(),
            Fieldset(_("Consent"), *[f"consent_{kind}" for kind in CONSENT_TEXTS]),
            Div(
                Submit("apply", _("Send application"), css_class="btn-primary btn-lg"),
                css_class="mt-4",
            ),
        )
        return helper

    def clean_country(self) -> str:
        country = self.cleaned_data["country"]
        if country not in settings.NETWORK_ALLOWED_COUNTRIES:
            raise forms.ValidationError(
                _(
                    "The network is for people who live in %(countries)s, so we cannot take "
                    "an application from %(country)s."
                ),
                params={"countries": allowed_country_names(), "country": countries.name(country)},
                code="country_not_allowed",
            )
        return country

    def clean(self):
        cleaned = super().clean()
        check_phone_for_country(self, cleaned)
        typed = cleaned.get("diagnosis_query", "").strip()
        # A query refused as too long has its own error; it is not missing.
        if not cleaned.get("diagnosis") and not typed and "diagnosis_query" not in self.errors:
            self.add_error(
                "diagnosis_query",
                forms.ValidationError(
                    _("Tell us the diagnosis: search the catalogue, or type it as you know it."),
                    code="diagnosis_missing",
                ),
            )
        return cleaned

    def consents(self) -> dict[str, bool]:
        return {kind: self.cleaned_data[f"consent_{kind}"] for kind in CONSENT_TEXTS}

    def applicant_details(self, language: str) -> ApplicantDetails:
        data = self.cleaned_data
        diagnosis = data.get("diagnosis")
        return ApplicantDetails(
            full_name=data["full_name"].strip(),
            relationship=data["relationship"],
            birth_year=data.get("birth_year"),
            street_address=data["street_address"].strip(),
            postal_code=data["postal_code"].strip(),
            city=data["city"].strip(),
            country=data["country"],
            phone=data["phone"],
            email=data["email"],
            diagnosis=diagnosis,
            diagnosis_text="" if diagnosis else data["diagnosis_query"].strip(),
            note=data.get("note", "").strip(),
            language=language,
        )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your answer"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": _("Please write your answer."),
            "max_length": TOO_LONG_MESSAGE,
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("send", _("Send my answer"), css_class="btn-primary btn-lg"))
