"""Forms of the information-report pages: the initial report (from a phone), the
follow-up and final reports (figures), and the 瞒报/漏报 flag. The services validate
again and own the rules; these only parse."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..core.models import LAT_RANGE, LON_RANGE
from ..core.region_field import region_field
from ..core.scope import Scope
from . import selectors_reports as selectors

MAX_COUNT = 1_000_000
FIGURES = ("deaths", "injuries", "missing", "direct_loss")


def _moment() -> forms.DateTimeInput:
    return forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _count(label):
    return forms.IntegerField(label=label, min_value=0, max_value=MAX_COUNT, initial=0,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


class FiguresForm(forms.Form):
    """A follow-up (续报) or the final report (终报): the figures as they are now."""

    deaths = _count(pgettext_lazy("info-report", "Deaths"))
    injuries = _count(pgettext_lazy("info-report", "Injured"))
    missing = _count(pgettext_lazy("info-report", "Missing"))
    direct_loss = forms.DecimalField(label=pgettext_lazy("info-report", "Direct loss (yuan)"), min_value=0,
                                     max_digits=15, decimal_places=2, initial=0, required=False)
    description = forms.CharField(label=pgettext_lazy("info-report", "Situation now"), max_length=5000,
                                  required=False, widget=forms.Textarea(attrs={"rows": 4}))
    measures = forms.CharField(label=pgettext_lazy("info-report", "Measures taken"), max_length=5000,
                               required=False, widget=forms.Textarea(attrs={"rows": 3}))


class ReportForm(FiguresForm):
    """The initial report (首报)."""

    kind = forms.ChoiceField(label=_("Kind of event"))
    title = forms.CharField(label=_("Title"), max_length=200)
    occurred_at = forms.DateTimeField(label=pgettext_lazy("info-report", "Occurred at"), widget=_moment())
    learned_at = forms.DateTimeField(label=_("Learned of it at"), widget=_moment(), required=False,
                                     help_text=_("Leave empty: now"))
    phoned_at = forms.DateTimeField(label=_("Reported by phone at"), widget=_moment(), required=False)
    enterprise_name = forms.CharField(label=_("Enterprise or unit involved"), max_length=200, required=False)
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=LAT_RANGE[0], max_value=LAT_RANGE[1])
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=LON_RANGE[0],
                                 max_value=LON_RANGE[1], help_text=_("Tap the map to set the point"))

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.code, k.name) for k in selectors.report_kinds()]
        self.fields["region"] = region_field(scope, label=_("Where (region)"))
        self.fields["description"].required = True
        self.fields["description"].label = pgettext_lazy("info-report", "What happened")
        self.order_fields(["kind", "title", "region", "occurred_at", "learned_at", "phoned_at", "deaths",
                           "injuries", "missing", "direct_loss", "description", "measures", "enterprise_name",
                           "latitude", "longitude"])

    def clean(self):
        data = super().clean()
        if (data.get("longitude") is None) != (data.get("latitude") is None) and not self.errors:
            self.add_error("latitude", _("Longitude and latitude go together"))
        return data


class FlagForm(forms.Form):
    flag = forms.ChoiceField(label=pgettext_lazy("info-report", "Flag"), choices=[("concealed", _("Concealed (瞒报)")),
                                                       ("missed", _("Never reported (漏报)")),
                                                       ("", pgettext_lazy("info-report", "No flag"))])
    reason = forms.CharField(label=pgettext_lazy("info-report", "Reason"), max_length=1000, required=False,
                             widget=forms.Textarea(attrs={"rows": 2}))
