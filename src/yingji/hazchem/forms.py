"""Forms of the hazchem pages: record a flow, import flows, act on a work order."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..core.ui import date_input
from .choices import Direction, Unit


class FlowForm(forms.Form):
    direction = forms.ChoiceField(label=gettext_lazy("Direction"), choices=Direction.choices)
    date = forms.DateField(label=gettext_lazy("Date"), widget=date_input())
    cas = forms.CharField(label=gettext_lazy("CAS number"), max_length=40)
    quantity = forms.DecimalField(label=gettext_lazy("Quantity"), min_value=0, max_digits=13, decimal_places=3)
    unit = forms.ChoiceField(label=gettext_lazy("Unit"), choices=Unit.choices)
    counterparty_uscc = forms.CharField(label=gettext_lazy("Counterparty's USCC"), max_length=18)
    amount = forms.DecimalField(label=gettext_lazy("Amount (RMB)"), min_value=0, max_digits=15, decimal_places=2)


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Spreadsheet (.xlsx or .csv)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".xlsx", ".csv"):
            raise forms.ValidationError(_("Only .xlsx and .csv files can be imported."))
        if upload.size > settings.YINGJI_IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)d MB: import it in parts.")
                                        % {"mb": settings.YINGJI_IMPORT_MAX_BYTES // (1024 * 1024)})
        return upload


class ActionForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500, required=False)
