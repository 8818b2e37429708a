"""A field that people never see and form-filling robots fill in.

It is hidden from sight (moved off screen, not display:none, which robots look for), from
assistive technology (aria-hidden), from the keyboard (tabindex=-1) and from autofill
(autocomplete=off), and its label asks anyone who meets it anyway to leave it empty. A form
that comes back with it filled is answered as if it had been taken, and nothing is kept.

    class SignInForm(forms.Form):
        website = HoneypotField()            # the name robots like; HONEYPOT below
        ...
    if honeypot_filled(request.POST): ...    # before any other work

In a crispy layout, place it with `honeypot_layout()`; in a template, render the field
inside `<div class="visually-hidden" aria-hidden="true">`.
"""

from __future__ import annotations

from collections.abc import Mapping

from crispy_forms.layout import Div
from django import forms
from django.utils.translation import gettext_lazy as _

HONEYPOT = "website"


class HoneypotField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Leave this field empty"))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
        )
        super().__init__(**kwargs)


def honeypot_layout(name: str = HONEYPOT) -> Div:
    """The field in a crispy layout, out of sight and out of the accessibility tree."""
    return Div(name, css_class="visually-hidden", aria_hidden="true")


def honeypot_filled(data: Mapping[str, str], name: str = HONEYPOT) -> bool:
    return bool(str(data.get(name, "")).strip())
