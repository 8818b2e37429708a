"""The admin's forms for an import: the upload with its defaults, the column mapping, the
choice among catalogue entries, and the export."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from diagnoses.models import Diagnosis, DiagnosisGroup
from members.consents import ConsentSource

from .columns import COLUMNS
from .reading import MAX_FILE_BYTES


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_(
            "An .xlsx or CSV file with a header row: one row per person and diagnosis, or one "
            "row per person with several diagnoses in one cell (one per line or separated "
            "by ;). Nothing is saved or sent before you have read the dry run and confirmed."
        ),
    )
    consent_source = forms.ChoiceField(
        label=_("Consent given"),
        choices=ConsentSource.choices,
        help_text=_("For rows whose sheet does not say."),
    )
    consent_date = forms.DateField(
        label=_("Consent date"),
        required=False,
        help_text=_("For rows whose sheet does not say; leave empty when not known."),
    )
    consent_version = forms.CharField(
        label=_("Consent text version"),
        max_length=16,
        help_text=_("The version of the consent text the members signed, e.g. paper-2019."),
    )
    share_address = forms.BooleanField(
        label=_("Shares postal address"), required=False, initial=True
    )
    share_phone = forms.BooleanField(label=_("Shares phone"), required=False, initial=True)
    share_relationship = forms.BooleanField(
        label=_("Shares relationship"), required=False, initial=True
    )
    share_birth_year = forms.BooleanField(label=_("Shares birth year"), required=False)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)d MB; a members spreadsheet is at most %(limit)d MB.")
                % {"size": upload.size // (1024 * 1024), "limit": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload


FIELD_CHOICES = [("", _("— leave out —")), *((c.key, c.label) for c in COLUMNS)]


class MappingForm(forms.Form):
    """One choice per column of the sheet: the field it holds, or none."""

    def __init__(self, headers: list[str], mapping: dict[str, str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.headers = headers
        for index, header in enumerate(headers):
            self.fields[f"column_{index}"] = forms.ChoiceField(
                label=header, choices=FIELD_CHOICES, required=False, initial=mapping.get(header, "")
            )

    def mapping(self) -> dict[str, str]:
        return {
            header: self.cleaned_data[f"column_{index}"]
            for index, header in enumerate(self.headers)
        }


class ChoiceForm(forms.Form):
    """For each diagnosis as typed that matched no catalogue entry exactly: the entry meant,
    among the closest."""

    def __init__(self, waiting: dict[str, list], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.typed = list(waiting)
        for index, (typed, candidates) in enumerate(waiting.items()):
            self.fields[f"typed_{index}"] = forms.ChoiceField(
                label=typed,
                choices=[("", _("— not yet —")), *((str(pk), label) for pk, label in candidates)],
                required=False,
            )

    def choices(self) -> dict[str, Diagnosis]:
        chosen = {
            typed: self.cleaned_data[f"typed_{index}"] for index, typed in enumerate(self.typed)
        }
        found = Diagnosis.objects.in_bulk([int(pk) for pk in chosen.values() if pk])
        return {typed: found[int(pk)] for typed, pk in chosen.items() if pk}


class ExportForm(forms.Form):
    group = forms.ModelChoiceField(
        label=_("Group"),
        queryset=DiagnosisGroup.objects.order_by("name"),
        required=False,
        empty_label=_("The whole network"),
    )
    file_format = forms.ChoiceField(
        label=_("Format"), choices=[("xlsx", "Excel (.xlsx)"), ("csv", "CSV")]
    )
