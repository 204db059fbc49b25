"""Forms of the hazchem pages: record a flow, import flows, act on a work order, filter
and register licences."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..core.ui import date_input
from .choices import Direction, LicenceKind, Unit
from .selectors import VALIDITY


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


class LicenceFilterForm(forms.Form):
    """The licences page's filters (read from the query string)."""

    q = forms.CharField(label="企业名称或统一社会信用代码", max_length=100, required=False)
    kind = forms.ChoiceField(label="许可类型", choices=[("", "全部类型"), *LicenceKind.choices], required=False)
    validity = forms.ChoiceField(label="有效状态", required=False,
                                 choices=[("", "全部"), *((k, v) for k, v in VALIDITY.items())])


class LicenceForm(forms.Form):
    """An officer registers a licence (services.licence_create); the chemicals are listed
    by CAS number or catalogue serial number, or the licence covers all listed ones."""

    holder_uscc = forms.CharField(label="持证企业统一社会信用代码", max_length=18)
    kind = forms.ChoiceField(label="许可类型", choices=LicenceKind.choices)
    number = forms.CharField(label="许可证编号", max_length=60)
    chemical_ids = forms.CharField(label="许可范围（CAS号或目录序号，以逗号、顿号或换行分隔）", required=False,
                                   max_length=20000, widget=forms.Textarea(attrs={"rows": 3}))
    all_listed = forms.BooleanField(label="许可范围为全部列名品种", required=False)
    valid_from = forms.DateField(label="有效期起", widget=date_input())
    valid_to = forms.DateField(label="有效期至", widget=date_input())
    authority = forms.CharField(label="发证机关", max_length=100)
