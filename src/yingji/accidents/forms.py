"""The forms of the accident pages (phone-first: one column, native pickers)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..core.regionpicker import RegionField
from ..core.ui import date_input
from .choices import AccidentKind, CheckTarget, Industry

GROUPS = [("region", _("Subordinate regions")), ("industry", _("Industry")), ("kind", _("Accident class")),
          ("grade", _("Accident grade"))]


class AccidentForm(forms.Form):
    occurred_at = forms.DateTimeField(label=_("Occurred at"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    region = RegionField(label=_("Place of the accident (region)"))
    place = forms.CharField(label=_("Detailed place"), max_length=200, required=False)
    enterprise_id = forms.IntegerField(label=_("Enterprise number in the register (optional)"),
                                       required=False, min_value=1)
    party_name = forms.CharField(label=_("Accident unit or party (not in the register)"),
                                 max_length=200, required=False)
    party_uscc = forms.CharField(label=_("Unified social credit code (optional)"), max_length=18, required=False)
    industry = forms.ChoiceField(label=_("Industry"), choices=Industry.choices)
    kind = forms.ChoiceField(label=_("Accident class"), choices=AccidentKind.choices)
    deaths = forms.IntegerField(label=_("Number of deaths"), min_value=0, max_value=100_000, initial=0)
    serious_injuries = forms.IntegerField(label=_("Serious injuries (persons)"),
                                          min_value=0, max_value=100_000, initial=0)
    direct_loss = forms.DecimalField(label=_("Direct economic loss (yuan)"), min_value=0, max_digits=14,
                                     decimal_places=2, initial=0)
    description = forms.CharField(label=_("Accident summary"),
                                  widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
                                  required=False)


class FiguresChangeForm(forms.Form):
    deaths = forms.IntegerField(label=_("Number of deaths"), min_value=0, max_value=100_000)
    serious_injuries = forms.IntegerField(label=_("Serious injuries (persons)"), min_value=0, max_value=100_000)
    direct_loss = forms.DecimalField(label=_("Direct economic loss (yuan)"),
                                     min_value=0, max_digits=14, decimal_places=2)
    reason = forms.CharField(label=_("Reason for the change"), max_length=500)


class InvestigationForm(forms.Form):
    leader = forms.CharField(label=_("Investigation team leader"), max_length=100, required=False)
    members = forms.CharField(label=_("Investigation team members"),
                              widget=forms.Textarea(attrs={"rows": 2}), required=False)
    units = forms.CharField(label=_("Participating units"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    cause = forms.CharField(label=_("Cause of the accident"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
    responsible_units = forms.CharField(label=_("Responsible units"),
                                        widget=forms.Textarea(attrs={"rows": 2}), required=False)
    responsible_people = forms.CharField(label=_("Responsible people"),
                                         widget=forms.Textarea(attrs={"rows": 2}), required=False)
    penalties_proposed = forms.CharField(label=_("Proposed penalties"),
                                         widget=forms.Textarea(attrs={"rows": 2}), required=False)
    enforcement_ref = forms.CharField(label=_("Enforcement case number"), max_length=100, required=False)
    concluded_on = forms.DateField(label=_("Concluded on"), widget=date_input(), required=False)


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("Days of extension"), min_value=1, max_value=60)
    reason = forms.CharField(label=_("Reason for the extension"), max_length=500)


class CheckForm(forms.Form):
    target = forms.ChoiceField(label=_("Checked party"), choices=CheckTarget.choices)
    outcome = forms.CharField(label=_("Outcome of the check"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    checked_on = forms.DateField(label=_("Date"), widget=date_input(), required=False)


class ExplanationForm(forms.Form):
    required = forms.BooleanField(label=_("Explanations required"), required=False, initial=True)
    government_text = forms.CharField(label=_("Local government's explanation"),
                                      widget=forms.Textarea(attrs={"rows": 2}), required=False)
    government_received_on = forms.DateField(label=_("Received on"), widget=date_input(), required=False)
    department_text = forms.CharField(label=_("Regulator's explanation"),
                                      widget=forms.Textarea(attrs={"rows": 2}), required=False)
    department_received_on = forms.DateField(label=_("Received on"), widget=date_input(), required=False)


class RemedialForm(forms.Form):
    region = RegionField(label=_("Remedial region"))
    start = forms.DateField(label=_("Start date"), widget=date_input())
    scope_text = forms.CharField(label=_("Remedial scope"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    items = forms.CharField(label=_("Follow-up items (one a line)"),
                            widget=forms.Textarea(attrs={"rows": 3}), required=False)


class HazardForm(forms.Form):
    enterprise_id = forms.IntegerField(label=_("Enterprise number"), min_value=1)
    description = forms.CharField(label=_("Hazard description"), max_length=2000)
    level = forms.ChoiceField(label=_("Hazard level"),
                              choices=[("general", _("General hazard")), ("major", _("Major hazard"))])
    deadline = forms.DateField(label=_("Rectification deadline"), widget=date_input())


class FiguresFilter(forms.Form):
    region = RegionField(label=_("Region"), required=False)
    start = forms.DateField(label=pgettext_lazy("accident", "From"), widget=date_input(), required=False)
    end = forms.DateField(label=pgettext_lazy("accident", "To"), widget=date_input(), required=False)
    group_by = forms.ChoiceField(label=_("Group"), choices=GROUPS, required=False)


class TargetForm(forms.Form):
    region = RegionField(label=_("Region"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    max_accidents = forms.IntegerField(label=_("Target: accidents"), min_value=0, max_value=1_000_000)
    max_deaths = forms.IntegerField(label=_("Target: deaths"), min_value=0, max_value=1_000_000)
