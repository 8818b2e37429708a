from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MAX_ADULTS, MAX_CHILDREN

NEEDS = {"rows": 2, "maxlength": 1000}


class RegistrationForm(forms.Form):
    adults = forms.IntegerField(
        label=_("Adults coming"), min_value=0, max_value=MAX_ADULTS, initial=1
    )
    children = forms.IntegerField(
        label=_("Children coming"), min_value=0, max_value=MAX_CHILDREN, initial=0
    )
    dietary_needs = forms.CharField(
        label=_("Dietary needs (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs=NEEDS),
        help_text=_("Allergies, vegetarian, tube feeding, anything the kitchen should know."),
    )
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs=NEEDS),
        help_text=_("A wheelchair, step-free access, a quiet room, an interpreter..."),
    )
    note = forms.CharField(
        label=_("Anything else for the secretariat (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs=NEEDS),
    )

    def __init__(self, *args, submit_label: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("register", submit_label, css_class="btn-primary btn-lg"))

    def clean(self):
        cleaned = super().clean()
        adults, children = cleaned.get("adults"), cleaned.get("children")
        if adults is not None and children is not None and adults + children < 1:
            self.add_error("adults", _("Register at least one person: an adult or a child."))
        return cleaned


class NewLinkForm(forms.Form):
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("The address the invitation was sent to."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("send", _("Send me a new link"), css_class="btn-primary"))
