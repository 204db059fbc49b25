"""The forms of the enforcement pages: a step's note, the transfer, and the facts the
discretion rules weigh (the preview and the decision share it)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..core.regionpicker import RegionField
from ..core.ui import date_input
from .choices import Party, SummonsReason

PROVISIONS = [("hazchem-unlicensed-trading", _("Trading hazardous chemicals without a licence (Art. 77)")),
              ("work-safety-hazard-not-removed", _("Failing to remove an accident hazard (Work Safety Law Art. 102)")),
              ("work-safety-dangerous-operation",
               _("Dangerous or confined-space operation without on-site safety management (Work Safety Law Art. 101)"))]
MITIGATIONS = [("removed_harm", _("Removed or lessened the harm on its own")),
               ("coerced", _("Coerced or deceived into the violation")),
               ("confessed", _("Confessed violations not yet known")),
               ("meritorious", _("Helped the investigation with meritorious conduct")),
               ("other_law", _("Another law requires a lighter or reduced penalty"))]


class StepForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class DismissForm(forms.Form):
    reason = forms.CharField(label=_("Reason for dismissing"), max_length=500)


class CheckForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome of the reopening check"), max_length=500)


class TransferForm(forms.Form):
    agency = forms.CharField(label=_("Receiving police agency"), max_length=200)
    note = forms.CharField(label=_("Reason for the transfer"), max_length=1000)


class FactsForm(forms.Form):
    provision = forms.ChoiceField(label=_("Provision"), choices=PROVISIONS)
    decided_on = forms.DateField(label=_("Decision date"), widget=date_input(), initial=timezone.localdate)
    party = forms.ChoiceField(label=_("Party"), choices=Party.choices, initial=Party.ENTERPRISE)
    party_name = forms.CharField(label=_("Name of the person (principal or manager)"), max_length=200,
                                 required=False)
    illegal_gains = forms.DecimalField(label=_("Illegal gains (RMB)"), required=False, min_value=0,
                                       max_digits=14, decimal_places=2)
    sales_revenue = forms.DecimalField(label=_("Sales revenue (RMB)"), required=False, min_value=0,
                                       max_digits=14, decimal_places=2)
    refused = forms.BooleanField(label=_("Refused to comply"), required=False)
    mitigations = forms.MultipleChoiceField(label=_("Grounds for a lighter or reduced penalty (Art. 32)"),
                                            choices=MITIGATIONS, required=False,
                                            widget=forms.CheckboxSelectMultiple)
    mitigation = forms.ChoiceField(label=_("Mitigation"), choices=[("lighter", _("Lighter (within the range)")),
                                                                   ("reduced", _("Reduced (below the minimum)"))])
    circumstance = forms.ChoiceField(label=_("Circumstances"), initial="ordinary", choices=[
        ("lighter", _("Lighter")), ("ordinary", _("Ordinary")), ("heavier", _("Heavier"))])
    minor = forms.BooleanField(label=_("Minor violation"), required=False)
    corrected = forms.BooleanField(label=_("Promptly corrected"), required=False)
    harmless = forms.BooleanField(label=_("No harm caused"), required=False)
    first_violation = forms.BooleanField(label=_("First violation"), required=False)
    slight_harm = forms.BooleanField(label=_("Slight harm"), required=False)
    waive_first_violation = forms.BooleanField(label=_("Waive the penalty for a first violation (Art. 33)"),
                                               required=False)

    def facts(self) -> dict:
        """The cleaned facts as the services take them (the decision date apart)."""
        data = dict(self.cleaned_data)
        data.pop("decided_on")
        return {k: v for k, v in data.items() if v not in (None, "")}


class SummonsFilter(forms.Form):
    region = RegionField(label=_("Region"), required=False)
    status = forms.ChoiceField(label=_("Follow-up"), required=False, choices=[
        ("", _("All")), ("open", _("Follow-up not done")), ("done", _("Follow-up done"))])
    reason = forms.ChoiceField(label=_("Reason for the summons"), required=False,
                               choices=[("", _("All")), *SummonsReason.choices])


class SummonsForm(forms.Form):
    """A summons (约谈) as the officer records it; the enterprise by its USCC, or else the region."""

    summoned = forms.CharField(label=_("Summoned (enterprise or government)"), max_length=200)
    reason = forms.ChoiceField(label=_("Reason for the summons"), choices=SummonsReason.choices)
    held_at = forms.DateTimeField(label=pgettext_lazy("summons", "Held at"), widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    party_uscc = forms.CharField(label=_("Enterprise USCC"), max_length=18, required=False)
    region = RegionField(label=_("Region (when no enterprise is named)"), required=False)
    attendees = forms.CharField(label=_("Attendees"), max_length=500, required=False)
    commitments = forms.CharField(label=_("Commitments"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    follow_up_days = forms.IntegerField(label=_("Follow up within (days)"), min_value=1, max_value=365, initial=30)


class FollowUpForm(forms.Form):
    outcome = forms.CharField(label=_("Outcome of the follow-up"), max_length=1000)


class FiguresFilter(forms.Form):
    region = RegionField(label=_("Region"), required=False)
    start = forms.DateField(label=_("From date"), widget=date_input(), required=False)
    end = forms.DateField(label=_("To date"), widget=date_input(), required=False)


class VerificationForm(forms.Form):
    """The officer schedules the check of a major hazard reported rectified (验证式执法)."""

    hazard_id = forms.IntegerField(label="隐患（编号或记录号）", min_value=1, max_value=2**62, widget=forms.HiddenInput)
    due_at = forms.DateTimeField(label="核查时间", widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    note = forms.CharField(label="安排说明", max_length=500, required=False)


class VerificationResultForm(forms.Form):
    """The result of a check, once: passed, or failed with the findings (a case is then filed)."""

    result = forms.ChoiceField(label="核查结果", choices=[("passed", "核查通过"), ("failed", "核查未通过（自动立案）")],
                               widget=forms.RadioSelect)
    findings = forms.CharField(label="核查情况", max_length=2000, required=False,
                               widget=forms.Textarea(attrs={"rows": 2}))
    file = forms.FileField(label="佐证文件（可选）", required=False)
