"""Forms of the campaign and checklist pages. They parse input; the services
(`campaign_create/update`, `checklist_save`, `checklist_item_save`) validate, check
scope and role, and audit, exactly as for the API."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..core.region_field import region_field
from ..core.scope import Scope
from ..core.ui import date_input
from ..enterprises.choices import Industry
from . import selectors
from .choices import HazardCategory, HazardLevel

DATE = date_input()


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    start = forms.DateField(label=_("Start"), widget=DATE)
    end = forms.DateField(label=_("End"), widget=DATE)
    industry = forms.ChoiceField(label=_("Industry"), required=False,
                                 choices=[("", _("All industries")), *Industry.choices])
    tag = forms.CharField(label=_("Tag"), max_length=50, required=False,
                          help_text=_("Only enterprises with this tag; empty: all"))
    template = forms.ChoiceField(label=_("Checklist"), required=False)
    description = forms.CharField(label=_("Description"), max_length=5000, required=False, widget=forms.Textarea)

    def __init__(self, *args, scope: Scope, campaign=None, **kwargs):
        if campaign is not None:
            kwargs.setdefault("initial", {
                "name": campaign.name, "region": campaign.region_id, "start": campaign.start, "end": campaign.end,
                "industry": campaign.industry, "tag": campaign.tag.name if campaign.tag_id else "",
                "template": campaign.template.code if campaign.template_id else "",
                "description": campaign.description})
        super().__init__(*args, **kwargs)
        self.fields["region"] = region_field(scope)
        self.fields["template"].choices = [("", "—")] + [(c.code, c.name) for c in selectors.checklist_list()]
        self.order_fields(["name", "region"])

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["region_code"], data["template_code"] = data.pop("region"), data.pop("template")
        data["tag"] = data["tag"].strip()
        return data


class ChecklistForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=60, help_text=_("Letters, digits, - and _"))
    name = forms.CharField(label=_("Name"), max_length=200)
    source = forms.CharField(label=_("Basis"), max_length=300, required=False)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)


class ChecklistItemForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    group = forms.CharField(label=_("Group"), max_length=100, required=False)
    text = forms.CharField(label=_("Item"), max_length=500, help_text=_("Phrased so that 'yes' means compliant"))
    clause = forms.CharField(label=_("Clause"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=HazardCategory.choices, initial=HazardCategory.OTHER)
    major_if_no = forms.BooleanField(label=_("A 'no' is a major hazard"), required=False)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=100000, initial=0)


class RiskPointHazardForm(forms.Form):
    """A hazard found at a risk point (flood-season inspection of the risk lists)."""

    description = forms.CharField(label=_("Description"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    location = forms.CharField(label=_("Location"), max_length=200, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=HazardCategory.choices, initial=HazardCategory.OTHER)
    level = forms.ChoiceField(label=_("Level"), choices=HazardLevel.choices, initial=HazardLevel.GENERAL)
    found_on = forms.DateField(label=_("Found on"), widget=DATE, required=False)
    deadline = forms.DateField(label=_("Deadline"), widget=DATE)
