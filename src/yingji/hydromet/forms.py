"""The station form. It parses input; `services.station_create/update` apply the
same checks as the station import (coordinates in China, region, kind) and audit."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..core.models import LAT_RANGE, LON_RANGE
from ..core.region_field import region_field
from ..core.scope import Scope
from .choices import StationKind


class StationForm(forms.Form):
    code = forms.CharField(label=_("Station code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=StationKind.choices)
    longitude = forms.FloatField(label=_("Longitude"), min_value=LON_RANGE[0], max_value=LON_RANGE[1])
    latitude = forms.FloatField(label=_("Latitude"), min_value=LAT_RANGE[0], max_value=LAT_RANGE[1])
    altitude = forms.FloatField(label=_("Altitude (m)"), required=False, min_value=-500, max_value=9000)
    source = forms.CharField(label=_("Source or operator"), max_length=100, required=False)

    def __init__(self, *args, scope: Scope, station=None, **kwargs):
        if station is not None:
            kwargs.setdefault("initial", {
                "code": station.code, "name": station.name, "kind": station.kind, "longitude": station.longitude,
                "latitude": station.latitude, "altitude": station.altitude, "region_code": station.region_id,
                "source": station.source})
        super().__init__(*args, **kwargs)
        self.fields["region_code"] = region_field(scope, required=False)
        self.fields["region_code"].help_text = _("Empty: the city that contains the coordinates")
        self.order_fields(["code", "name", "kind", "region_code"])
        if station is not None:
            self.fields["code"].disabled = True

    def service_kwargs(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "code" or not self.fields["code"].disabled}
