"""Forms of the duty desk's pages: a shift, reinforcement, a log entry (the quick add),
closing and correcting an entry, a handover, a sign-off, a roster file."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..core.choices import ShiftRole
from ..core.ui import date_input, label_in_language
from .choices_desk import LogSource

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def role_choices():
    return [
        (ShiftRole.OFFICER, pgettext_lazy("duty desk", "Duty officer")),
        (ShiftRole.LEADER, pgettext_lazy("duty desk", "Leader on duty")),
        (ShiftRole.BACKUP, pgettext_lazy("duty desk", "Backup")),
    ]


def source_choices():
    return [(v, label_in_language(label)) for v, label in LogSource.choices]


class ShiftForm(forms.Form):
    person = forms.TypedChoiceField(label=pgettext_lazy("duty desk", "Person"), coerce=int)
    role = forms.ChoiceField(label=_("Role"), choices=role_choices)
    day = forms.DateField(label=pgettext_lazy("duty desk", "Date"), widget=date_input())
    start = forms.TimeField(label=_("From"), widget=TIME, initial="08:30")
    end = forms.TimeField(
        label=_("To"),
        widget=TIME,
        initial="08:30",
        help_text=pgettext_lazy("duty desk", "A time not after the start is on the next day."),
    )
    reinforced = forms.BooleanField(label=pgettext_lazy("duty desk", "Reinforced (joint duty)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [(p.pk, f"{p.name} {p.mobile}") for p in people]


class ReinforceForm(forms.Form):
    people = forms.TypedMultipleChoiceField(label=_("People"), coerce=int, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].choices = [(p.pk, p.name) for p in people]


class EntryForm(forms.Form):
    summary = forms.CharField(
        label=pgettext_lazy("duty desk", "What happened"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    source = forms.ChoiceField(
        label=pgettext_lazy("duty desk", "Source"), choices=source_choices, initial=LogSource.PHONE
    )
    caller = forms.CharField(label=pgettext_lazy("duty desk", "Caller or unit"), max_length=100, required=False)
    caller_phone = forms.CharField(
        label=_("Phone"), max_length=30, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"})
    )
    actions = forms.CharField(
        label=pgettext_lazy("duty desk", "Actions taken"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    closed = forms.BooleanField(label=pgettext_lazy("duty desk", "Done (closed)"), required=False)


class CloseForm(forms.Form):
    note = forms.CharField(label=pgettext_lazy("duty desk", "How it was closed"), max_length=500, required=False)


class CorrectForm(forms.Form):
    summary = forms.CharField(
        label=pgettext_lazy("duty desk", "What happened"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    source = forms.ChoiceField(label=pgettext_lazy("duty desk", "Source"), choices=source_choices)
    caller = forms.CharField(label=pgettext_lazy("duty desk", "Caller or unit"), max_length=100, required=False)
    caller_phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    actions = forms.CharField(
        label=pgettext_lazy("duty desk", "Actions taken"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    note = forms.CharField(label=pgettext_lazy("duty desk", "Reason for the correction"), max_length=500)


class HandoverForm(forms.Form):
    incoming = forms.TypedChoiceField(
        label=pgettext_lazy("duty desk", "Incoming officer"), coerce=int, required=False, empty_value=None
    )
    notes = forms.CharField(
        label=pgettext_lazy("duty desk", "Handover notes"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["incoming"].choices = [("", "—")] + [(p.pk, p.name) for p in people]


class SignOffForm(forms.Form):
    note = forms.CharField(label=pgettext_lazy("duty desk", "Leader's remarks"), max_length=500, required=False)


class RosterFileForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".xlsx", ".csv"):
            raise forms.ValidationError(_("Only .xlsx and .csv files can be imported."))
        if upload.size > settings.YINGJI_IMPORT_MAX_BYTES:
            raise forms.ValidationError(pgettext_lazy("duty desk", "The file is too large."))
        return upload
