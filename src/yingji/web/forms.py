"""Forms of the UI. They only parse and check input; services do the writing."""

from pathlib import Path

from django import forms
from django.conf import settings
from django.forms.models import fields_for_model
from django.utils.translation import gettext_lazy as _

from ..core import regioncodes
from ..core.choices import RegionLevel
from ..core.regionpicker import RegionField
from ..enterprises.choices import Industry, RiskGrade
from ..enterprises.models import Enterprise
from ..enterprises.services import SELF_SERVICE_FIELDS

IMPORT_SUFFIXES = {".xlsx", ".csv"}


def _with_blank(choices, label):
    return [("", label), *choices]


class EnterpriseFilterForm(forms.Form):
    """The filters of the enterprise list; every field optional."""

    region = RegionField(label=_("Region"), required=False)
    risk_grade = forms.ChoiceField(label=_("Risk grade"), required=False,
                                   choices=_with_blank(RiskGrade.choices, _("All grades")))
    industry = forms.ChoiceField(label=_("Industry"), required=False,
                                 choices=_with_blank(Industry.choices, _("All industries")))
    tag = forms.CharField(label=_("Tag"), required=False, max_length=50)
    q = forms.CharField(label=_("Search"), required=False, max_length=100)

    def filters(self) -> dict:
        """Keyword arguments for `enterprise_list`; a field with invalid input filters
        nothing out (its error is shown beside it)."""
        self.is_valid()
        return {k: v.strip() for k, v in self.cleaned_data.items() if isinstance(v, str) and v.strip()}


EDIT_FIELDS = ["name", "uscc", "region", "address", "longitude", "latitude", "industry", "scale",
               "risk_grade", "legal_representative", "contact_phone", "employees"]


class EnterpriseForm(forms.Form):
    """Edit an enterprise. Fields and labels come from the model; the township comes
    from the region picker (chosen level by level, or typed as a name or code).
    Enterprise users get only the fields they may change themselves."""

    def __init__(self, *args, self_service: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        names = [n for n in EDIT_FIELDS if not self_service or n in SELF_SERVICE_FIELDS]
        model_fields = fields_for_model(Enterprise, fields=[n for n in names if n != "region"])
        for name in names:
            self.fields[name] = model_fields.get(name) or RegionField(
                label=_("Township"), levels=(RegionLevel.TOWNSHIP, RegionLevel.GRID),
                help_text=_("Choose level by level, or type a name, pinyin initials or a code"))
        if not self_service:
            self.fields["tags"] = forms.CharField(
                label=_("Tags"), required=False, max_length=500,
                help_text=_("Separate tags with commas"))

    @staticmethod
    def initial_for(enterprise: Enterprise) -> dict:
        initial = {n: getattr(enterprise, n) for n in EDIT_FIELDS if n != "region"}
        initial["region"] = enterprise.region_id
        initial["tags"] = ", ".join(t.name for t in enterprise.tags.all())
        return initial

    def service_kwargs(self) -> dict:
        """`enterprise_update` keywords from the cleaned data."""
        data = dict(self.cleaned_data)
        kwargs = {}
        if "tags" in data:
            raw = data.pop("tags").replace("，", ",")
            kwargs["tags"] = [t.strip() for t in raw.split(",") if t.strip()]
        if "region" in data:
            data["region_id"] = data.pop("region")
        for name in ("address", "legal_representative", "contact_phone"):
            if name in data and data[name] is None:
                data[name] = ""
        return {**kwargs, **data}


class SubRegionForm(forms.Form):
    """Add a village (村/社区) under a township, or a grid (网格) under a village: the
    officer types the last three digits; the parent's code is the prefix."""

    suffix = forms.RegexField(label=_("Number"), regex=r"^\d{3}$", max_length=3,
                              help_text=_("Three digits, appended to the parent's code"),
                              error_messages={"invalid": _("Enter three digits, e.g. 001")})
    name = forms.CharField(label=_("Name"), max_length=100)

    def __init__(self, *args, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.parent = parent

    def code(self) -> str:
        return self.parent.code + self.cleaned_data["suffix"]

    @staticmethod
    def allowed_under(region) -> bool:
        return region.level in (RegionLevel.TOWNSHIP, RegionLevel.VILLAGE) and \
            len(region.code) + 3 == regioncodes.LENGTH[RegionLevel(region.level + 1)]


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Spreadsheet (.xlsx or .csv)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in IMPORT_SUFFIXES:
            raise forms.ValidationError(_("Only .xlsx and .csv files can be imported."))
        if upload.size > settings.YINGJI_IMPORT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)d MB: import it in parts.")
                                        % {"mb": settings.YINGJI_IMPORT_MAX_BYTES // (1024 * 1024)})
        return upload
