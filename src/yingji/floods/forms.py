"""Forms of the risk-point pages. They parse input and offer choices inside the
caller's scope; `services.risk_point_create/update` validate, check scope and audit,
as for the API (POST /api/risk-points)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from ..core import selectors as core_selectors
from ..core.models import LAT_RANGE, LON_RANGE
from ..core.phones import is_phone
from ..core.region_field import region_field
from ..core.scope import Scope
from . import selectors
from .choices import WINDOWS_HOURS

SEPARATORS = re.compile(r"[\s,，、;；]+")
MAX_COUNT = 10_000_000  # as the API: population and households


def _split(text: str) -> list[str]:
    return [part for part in SEPARATORS.split(text or "") if part]


class RiskPointForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"))
    name = forms.CharField(label=_("Name"), max_length=100)
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=LON_RANGE[0], max_value=LON_RANGE[1])
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=LAT_RANGE[0], max_value=LAT_RANGE[1])
    population = forms.IntegerField(label=_("Population"), min_value=0, max_value=MAX_COUNT, initial=0)
    households = forms.IntegerField(label=_("Households"), min_value=0, max_value=MAX_COUNT, initial=0)
    gauges = forms.CharField(label=_("Rain gauges (station codes)"), required=False, max_length=1000,
                             help_text=_("Separate codes with commas"))
    responsible = forms.CharField(label=_("Responsible persons (mobiles)"), required=False, max_length=1000,
                                  help_text=_("Separate mobiles with commas; people registered in your jurisdiction"))
    responsible_name = forms.CharField(label=_("Responsible person (name)"), max_length=50, required=False,
                                       help_text=_("When the person is not registered"))
    responsible_phone = forms.CharField(label=_("Responsible person's phone"), max_length=30, required=False)
    control_measures = forms.CharField(label=_("Control measures"), max_length=2000, required=False,
                                       widget=forms.Textarea(attrs={"rows": 3}))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, scope: Scope, point=None, **kwargs):
        if point is not None:
            kwargs.setdefault("initial", {
                "kind": point.kind_id, "name": point.name, "region": point.region_id, "longitude": point.longitude,
                "latitude": point.latitude, "population": point.population, "households": point.households,
                "gauges": ", ".join(g.code for g in point.gauges.all()),
                "responsible": ", ".join(p.mobile for p in point.responsible.all()), "note": point.note,
                "responsible_name": point.responsible_name, "responsible_phone": point.responsible_phone,
                "control_measures": point.control_measures})
        super().__init__(*args, **kwargs)
        self.scope, self.point = scope, point
        self.fields["kind"].choices = [("", "—")] + [(k.code, k.name) for k in selectors.risk_point_kinds()]
        self.fields["region"] = region_field(scope)
        self.order_fields(["kind", "name", "region"])

    def clean(self):
        data = super().clean()
        if (data.get("longitude") is None) != (data.get("latitude") is None) and not self.errors:
            self.add_error("latitude", _("Longitude and latitude go together"))
        return data

    def clean_responsible_phone(self):
        phone = self.cleaned_data["responsible_phone"].strip()
        if phone and not is_phone(phone):
            raise forms.ValidationError(_("Give a phone number (13800000000, 0576-86000000)"))
        return phone

    def clean_responsible(self):
        mobiles = _split(self.cleaned_data["responsible"])
        people = {p.mobile: p.pk for p in core_selectors.person_list(scope=self.scope).filter(mobile__in=mobiles)}
        unknown = [m for m in mobiles if m not in people]
        if unknown:
            raise forms.ValidationError(_("No person with these mobiles in your jurisdiction: %(list)s")
                                        % {"list": ", ".join(unknown)})
        return [people[m] for m in mobiles]

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["kind_id"], data["region_id"] = data.pop("kind"), data.pop("region")
        data["gauges"] = _split(data["gauges"])
        return data


class CriticalRainfallForm(forms.Form):
    """One window's critical rainfall (临界雨量) of a risk point."""

    window_hours = forms.TypedChoiceField(label=_("Window"), coerce=int,
                                          choices=[(h, _("%(h)s hours") % {"h": h}) for h in WINDOWS_HOURS])
    prepare_mm = forms.FloatField(label=_("Prepare to move (mm)"), max_value=2000)
    move_now_mm = forms.FloatField(label=_("Move now (mm)"), max_value=2000)
