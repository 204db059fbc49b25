"""The form that starts an inundation run from the floods pages: the same fields and
the same checks as the API (`inundation.inundation_create` does the checking). Generic
in the rain: observed hours of gauges from a start time, then forecast hourly rain;
another source of rain (a design storm) is one more way to fill `forecast_rain_mm`."""

import datetime as dt

from django import forms
from django.utils import timezone

from ..core.choices import RegionLevel
from ..core.selectors import region_list


def _numbers(text: str) -> list[float]:
    parts = [p for p in text.replace("，", ",").replace(" ", ",").split(",") if p.strip()]
    try:
        return [float(p) for p in parts]
    except ValueError:
        raise forms.ValidationError("请填写以逗号分隔的数字（毫米/小时） / Numbers separated by commas (mm per hour)"
                                    ) from None


class InundationRunForm(forms.Form):
    watershed = forms.CharField(label="小流域", max_length=100)
    region = forms.ChoiceField(label="所在县（市、区）")
    dem = forms.FileField(label="数字高程模型（ESRI ASCII 格式 .asc、.asc.gz 或 GeoTIFF）")
    start = forms.DateTimeField(label="模拟起始时间", widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"])
    observed_hours = forms.IntegerField(label="实测雨量时段（小时，自起始时间）", min_value=0, max_value=240, initial=0)
    gauges = forms.CharField(label="雨量站代码（逗号分隔，实测时段必填）", max_length=500, required=False)
    forecast_rain_mm = forms.CharField(label="预报逐时雨量（毫米，逗号分隔）", max_length=2000, required=False)
    duration_hours = forms.FloatField(label="模拟时长（小时，留空为降雨时段加 2 小时）", min_value=0.1, max_value=240,
                                      required=False)
    manning_n = forms.FloatField(label="糙率 n", min_value=0.005, max_value=0.5, initial=0.05)
    depth_threshold = forms.FloatField(label="受影响水深阈值（米）", min_value=0.01, max_value=10, initial=0.3)
    crs = forms.CharField(label="坐标系（留空为本地坐标，或米制投影，如 EPSG:32651）", max_length=20, required=False)
    origin_lon = forms.FloatField(label="左下角经度（本地坐标必填）", min_value=73, max_value=136, required=False)
    origin_lat = forms.FloatField(label="左下角纬度（本地坐标必填）", min_value=3, max_value=54, required=False)

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        counties = region_list(scope=scope, level=RegionLevel.COUNTY).order_by("code")
        self.fields["region"].choices = [(r.code, r.full_name) for r in counties]

    def clean_crs(self) -> str:
        return self.cleaned_data["crs"].strip() or "local"  # the API's name for a grid in local metres

    def clean_gauges(self) -> list[str]:
        return [g.strip() for g in self.cleaned_data["gauges"].replace("，", ",").split(",") if g.strip()]

    def clean_forecast_rain_mm(self) -> list[float]:
        return _numbers(self.cleaned_data["forecast_rain_mm"])

    def clean_start(self) -> dt.datetime:
        start = self.cleaned_data["start"]
        if start > timezone.now() + dt.timedelta(days=10):
            raise forms.ValidationError("起始时间不能晚于十天后 / The start cannot be more than 10 days ahead")
        return start

    def clean(self):
        data = super().clean()
        if data.get("observed_hours") and not data.get("gauges"):
            self.add_error("gauges", "有实测时段时须填写雨量站 / Gauges are needed for observed hours")
        if (data.get("observed_hours") or 0) + len(data.get("forecast_rain_mm") or []) == 0 and \
                "observed_hours" in data and "forecast_rain_mm" in data:
            self.add_error("forecast_rain_mm", "请填写实测时段或预报雨量 / Give observed hours or forecast rain")
        return data
