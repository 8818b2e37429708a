"""The secretariat's decision forms: what is decided, and the email that tells the applicant.

A decision goes in two steps on one page. Staff choose (the group, the association, the
reason, the question) and ask for the email; it is drafted from its template in the
applicant's language and shown for editing; sending decides. A draft made for other
choices than those on the form is drafted again, so the email always fits the decision.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.contrib.admin import site
from django.contrib.admin.widgets import AutocompleteSelect
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from diagnoses.models import Association, Diagnosis, DiagnosisGroup

from . import emails, services
from .models import Application, ApplicationEvent
from .validators import ANSWER_MAX_LENGTH

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class DecisionForm(forms.Form):
    action: str
    title: StrOrPromise
    done: StrOrPromise

    subject = forms.CharField(
        label=_("Subject"),
        required=False,
        max_length=255,
        # As wide as the email's text below it, so that a whole subject can be read.
        widget=forms.TextInput(attrs={"class": "vLargeTextField"}),
    )
    text = forms.CharField(
        label=_("Email to the applicant"),
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 18, "cols": 90}),
    )
    drafted_for = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, application: Application, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application

    def email_context(self) -> dict:
        """What the email template needs, from the cleaned choices."""
        raise NotImplementedError

    def decide(self, *, by, email: emails.Draft) -> None:
        raise NotImplementedError

    def choices_signature(self) -> str:
        return repr(sorted((key, str(value)) for key, value in self.email_context().items()))

    def is_drafted(self) -> bool:
        data = self.cleaned_data
        return bool(
            data["subject"].strip()
            and data["text"].strip()
            and data["drafted_for"] == self.choices_signature()
        )

    def drafted(self) -> DecisionForm:
        """The same choices, with the templated email to read and edit."""
        draft = services.decision_email(self.application, self.action, **self.email_context())
        data = QueryDict(mutable=True)
        data.update(self.data)
        data.update(
            {"subject": draft.subject, "text": draft.text, "drafted_for": self.choices_signature()}
        )
        return type(self)(self.application, data)

    def email(self) -> emails.Draft:
        return emails.Draft(self.cleaned_data["subject"], self.cleaned_data["text"])


class NamedAutocompleteSelect(AutocompleteSelect):
    """The admin's search for an entry, its box named after the field's label
    (static/js/autocomplete-names.js): select2 names it only by the choice it shows."""

    @property
    def media(self):
        # After the script that draws the boxes, which media merging keeps in this order.
        after = ["admin/js/jquery.init.js", "admin/js/autocomplete.js"]
        return super().media + forms.Media(js=[*after, "js/autocomplete-names.js"])


class GroupSearch(NamedAutocompleteSelect):
    """The search for a group, showing what an empty choice means until one is chosen."""

    placeholder = _("The group that covers the diagnosis (created from it if none does)")

    def build_attrs(self, base_attrs, extra_attrs=None):
        return {
            **super().build_attrs(base_attrs, extra_attrs),
            "data-placeholder": self.placeholder,
        }


class ApproveForm(DecisionForm):
    action = ApplicationEvent.Action.APPROVED
    title = _("Approve into a group")
    done = _("Application approved.")

    group = forms.ModelChoiceField(
        label=_("Diagnosis group"),
        # A group with its own association admits no one new: the applicant is referred.
        queryset=DiagnosisGroup.objects.filter(status=DiagnosisGroup.Status.OPEN),
        required=False,
        # Thousands of groups in a large network: chosen by search, as the admin's groups
        # are (DiagnosisGroupAdmin offers only open ones here).
        widget=GroupSearch(Application._meta.get_field("group"), site),
    )

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("group") and self.application.diagnosis is None:
            self.add_error("group", services.FREE_TEXT_NEEDS_GROUP)
        elif not cleaned.get("group"):
            covering = services.group_for(self.application, create=False)
            if covering.status == DiagnosisGroup.Status.HAS_ASSOCIATION:
                self.add_error("group", services.has_its_own_association(covering))
        return cleaned

    def email_context(self):
        group = self.cleaned_data["group"] or services.group_for(self.application, create=False)
        return {"group": group}

    def decide(self, *, by, email):
        services.approve_application(
            self.application, self.cleaned_data["group"], by=by, email=email
        )


class NewGroupForm(DecisionForm):
    action = ApplicationEvent.Action.APPROVED
    title = _("Create a group and approve")
    done = _("Application approved into a new group.")

    name = forms.CharField(label=_("Name of the new group"), max_length=255)
    diagnosis = forms.ModelChoiceField(
        label=_("Catalogue entry the group covers"),
        queryset=Diagnosis.objects.filter(is_active=True),
        help_text=_("Subtypes and further entries can be added to the group afterwards."),
        # About 10,000 entries: chosen by search, through the application admin's autocomplete.
        widget=NamedAutocompleteSelect(Application._meta.get_field("diagnosis"), site),
    )

    def __init__(self, application, *args, **kwargs):
        super().__init__(application, *args, **kwargs)
        self.fields["name"].initial = (
            application.diagnosis.name if application.diagnosis else application.diagnosis_text
        )
        self.fields["diagnosis"].initial = application.diagnosis

    def email_context(self):
        return {"group": DiagnosisGroup(name=self.cleaned_data["name"].strip())}

    def decide(self, *, by, email):
        services.approve_into_new_group(
            self.application,
            self.cleaned_data["name"],
            [self.cleaned_data["diagnosis"]],
            by=by,
            email=email,
        )


class ReferForm(DecisionForm):
    action = ApplicationEvent.Action.REFERRED
    title = _("Refer to an association")
    done = _("Application referred.")

    association = forms.ModelChoiceField(
        label=_("Patient association"), queryset=Association.objects.all()
    )

    def __init__(self, application, *args, **kwargs):
        super().__init__(application, *args, **kwargs)
        if application.diagnosis:
            # The association the diagnosis' own group founded, else one that covers it.
            founded = (
                DiagnosisGroup.objects.covering(application.diagnosis)
                .filter(status=DiagnosisGroup.Status.HAS_ASSOCIATION)
                .values("association")
            )
            covering = (
                Association.objects.filter(pk__in=founded).first()
                or Association.objects.covering(application.diagnosis).first()
            )
            self.fields["association"].initial = covering

    def email_context(self):
        return {"association": self.cleaned_data["association"]}

    def decide(self, *, by, email):
        services.refer_application(
            self.application, self.cleaned_data["association"], by=by, email=email
        )


class RejectForm(DecisionForm):
    action = ApplicationEvent.Action.REJECTED
    title = _("Reject")
    done = _("Application rejected.")

    reason = forms.CharField(
        label=_("Reason, as the applicant will read it"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 90}),
    )

    def email_context(self):
        return {"reason": self.cleaned_data["reason"]}

    def decide(self, *, by, email):
        services.reject_application(
            self.application, self.cleaned_data["reason"], by=by, email=email
        )


class InformationForm(DecisionForm):
    action = ApplicationEvent.Action.INFORMATION_REQUESTED
    title = _("Ask the applicant for more information")
    done = _("The applicant is asked for more information.")

    question = forms.CharField(
        label=_("Question, as the applicant will read it"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "cols": 90}),
    )

    def email_context(self):
        # The link in the email answers this question only: should another be asked
        # between drafting and sending, the email is drafted again with its own link.
        return {
            "question": self.cleaned_data["question"],
            "question_number": services.next_question_number(self.application),
        }

    def decide(self, *, by, email):
        services.request_information(
            self.application, self.cleaned_data["question"], by=by, email=email
        )


class BulkApproveForm(forms.Form):
    group = ApproveForm.base_fields["group"]


class BulkRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason, as the applicant will read it"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
