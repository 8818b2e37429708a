"""Texts that staff write once per language (a mailing's subject and body, a meetup's
title and description), kept as {language: {field: text}} in one JSON field.

The network's languages are a setting, so the form gets one field per language when it is
made, not when this module is imported. A language left empty falls back to the network's
default language (LANGUAGE_CODE), which must be written.
"""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

Texts = dict[str, dict[str, str]]


def text_in(texts: Texts, field: str, language: str) -> str:
    """The text of `field` in `language`, or in the network's default language when the
    language was left empty."""
    own = (texts.get(language) or {}).get(field, "").strip()
    return own or (texts.get(settings.LANGUAGE_CODE) or {}).get(field, "").strip()


def field_name(field: str, language: str) -> str:
    return f"{field}_{language}"


def fieldsets(fields: dict[str, Promise | str]) -> list[tuple[str, dict]]:
    """One admin fieldset per language, the default first."""
    languages = sorted(settings.LANGUAGES, key=lambda item: item[0] != settings.LANGUAGE_CODE)
    return [
        (
            str(name) if code != settings.LANGUAGE_CODE else f"{name} ({_('default')})",
            {"fields": [field_name(field, code) for field in fields]},
        )
        for code, name in languages
    ]


def translated_form(
    base: type[forms.ModelForm],
    fields: dict[str, tuple[Promise | str, Callable[[], forms.Field]]],
    *,
    texts_field: str = "texts",
) -> type[forms.ModelForm]:
    """`base` with one form field per (field, language); the default language's fields are
    required, the others may stay empty. Saving writes them into `texts_field`."""
    declared: dict[str, forms.Field] = {}
    for code, _name in settings.LANGUAGES:
        for field, (label, make) in fields.items():
            form_field = make()
            # Made per request (ModelAdmin.get_form), in the staff member's language.
            form_field.label = str(label)
            form_field.required = code == settings.LANGUAGE_CODE
            if not form_field.required:
                form_field.help_text = _("Empty: the text in the default language is used.")
            declared[field_name(field, code)] = form_field

    class TranslatedForm(base):  # type: ignore[valid-type,misc]
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            texts: Texts = getattr(self.instance, texts_field) or {}
            for code, _name in settings.LANGUAGES:
                for field in fields:
                    name = field_name(field, code)
                    if name in self.fields and name not in self.initial:
                        self.initial[name] = (texts.get(code) or {}).get(field, "")

        def _post_clean(self):
            texts: Texts = {}
            for code, _name in settings.LANGUAGES:
                written = {
                    field: self.cleaned_data.get(field_name(field, code), "").strip()
                    for field in fields
                }
                if any(written.values()):
                    texts[code] = written
            setattr(self.instance, texts_field, texts)
            super()._post_clean()

    return type(f"Translated{base.__name__}", (TranslatedForm,), declared)
