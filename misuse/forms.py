from __future__ import annotations

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from members.validators import ANSWER_MAX_LENGTH, TOO_LONG_MESSAGE, no_invisible_characters
from network.honeypot import HONEYPOT, HoneypotField, honeypot_layout


class ReportForm(forms.Form):
    """The public form. Through the link in a list email the group is known (signed in
    the link) and shown, not asked for."""

    group_as_typed = forms.CharField(
        label=_("Which group's contact list is it about?"),
        help_text=_("The name of the diagnosis group, as in the list email, if you know it."),
        max_length=200,
        required=False,
        validators=[no_invisible_characters],
    )
    what_happened = forms.CharField(
        label=_("What happened?"),
        help_text=_(
            "For example, an email selling something, or a list passed on to someone outside "
            "the group. Write what you can; the secretariat may ask you for more."
        ),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        validators=[no_invisible_characters],
        error_messages={
            "required": _("Please tell us what happened."),
            "max_length": TOO_LONG_MESSAGE,
        },
    )
    reporter_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        required=False,
        validators=[no_invisible_characters],
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    reporter_email = forms.EmailField(
        label=_("Your email"),
        help_text=_("We send you a receipt, and write to you if we need to know more."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"required": _("Please give your email address, so we can reply.")},
    )
    list = forms.CharField(widget=forms.HiddenInput, required=False)
    website = HoneypotField()

    def __init__(self, *args, group=None, **kwargs):
        super().__init__(*args, **kwargs)
        fields = ["what_happened", "reporter_name", "reporter_email", "list", HONEYPOT]
        if group is None:
            fields.insert(0, "group_as_typed")
        else:
            del self.fields["group_as_typed"]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*fields[:-1], honeypot_layout())
        self.helper.add_input(Submit("send", _("Send the report"), css_class="btn-primary btn-lg"))
