"""The forms of the accident pages (phone-first: one column, native pickers)."""

from django import forms

from ..core.regionpicker import RegionField
from ..core.ui import date_input
from .choices import AccidentKind, CheckTarget, Industry

GROUPS = [("region", "下级区划"), ("industry", "行业"), ("kind", "事故类别"), ("grade", "事故等级")]


class AccidentForm(forms.Form):
    occurred_at = forms.DateTimeField(label="发生时间", widget=forms.DateTimeInput(
        attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    region = RegionField(label="发生地（区划）")
    place = forms.CharField(label="详细地点", max_length=200, required=False)
    enterprise_id = forms.IntegerField(label="登记册内企业编号（可空）", required=False, min_value=1)
    party_name = forms.CharField(label="事故单位或当事人（登记册外）", max_length=200, required=False)
    party_uscc = forms.CharField(label="统一社会信用代码（可空）", max_length=18, required=False)
    industry = forms.ChoiceField(label="行业", choices=Industry.choices)
    kind = forms.ChoiceField(label="事故类别", choices=AccidentKind.choices)
    deaths = forms.IntegerField(label="死亡人数", min_value=0, max_value=100_000, initial=0)
    serious_injuries = forms.IntegerField(label="重伤人数", min_value=0, max_value=100_000, initial=0)
    direct_loss = forms.DecimalField(label="直接经济损失（元）", min_value=0, max_digits=14,
                                     decimal_places=2, initial=0)
    description = forms.CharField(label="事故简况", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000,
                                  required=False)


class FiguresChangeForm(forms.Form):
    deaths = forms.IntegerField(label="死亡人数", min_value=0, max_value=100_000)
    serious_injuries = forms.IntegerField(label="重伤人数", min_value=0, max_value=100_000)
    direct_loss = forms.DecimalField(label="直接经济损失（元）", min_value=0, max_digits=14, decimal_places=2)
    reason = forms.CharField(label="变更原因", max_length=500)


class InvestigationForm(forms.Form):
    leader = forms.CharField(label="调查组组长", max_length=100, required=False)
    members = forms.CharField(label="调查组成员", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    units = forms.CharField(label="参加单位", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    findings = forms.CharField(label="调查结论", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    cause = forms.CharField(label="事故原因", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    responsible_units = forms.CharField(label="责任单位", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    responsible_people = forms.CharField(label="责任人员", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    penalties_proposed = forms.CharField(label="处理建议", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    enforcement_ref = forms.CharField(label="执法案件编号", max_length=100, required=False)
    concluded_on = forms.DateField(label="结案日期", widget=date_input(), required=False)


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label="延期天数", min_value=1, max_value=60)
    reason = forms.CharField(label="延期理由", max_length=500)


class CheckForm(forms.Form):
    target = forms.ChoiceField(label="核查对象", choices=CheckTarget.choices)
    outcome = forms.CharField(label="核查结果", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    checked_on = forms.DateField(label="日期", widget=date_input(), required=False)


class ExplanationForm(forms.Form):
    required = forms.BooleanField(label="需要双说明", required=False, initial=True)
    government_text = forms.CharField(label="属地政府说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    government_received_on = forms.DateField(label="收到日期", widget=date_input(), required=False)
    department_text = forms.CharField(label="监管部门说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    department_received_on = forms.DateField(label="收到日期", widget=date_input(), required=False)


class RemedialForm(forms.Form):
    region = RegionField(label="补课区域")
    start = forms.DateField(label="开始日期", widget=date_input())
    scope_text = forms.CharField(label="补课范围", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    items = forms.CharField(label="跟进事项（每行一项）", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class HazardForm(forms.Form):
    enterprise_id = forms.IntegerField(label="企业编号", min_value=1)
    description = forms.CharField(label="隐患描述", max_length=2000)
    level = forms.ChoiceField(label="隐患等级", choices=[("general", "一般隐患"), ("major", "重大隐患")])
    deadline = forms.DateField(label="整改期限", widget=date_input())


class FiguresFilter(forms.Form):
    region = RegionField(label="区划", required=False)
    start = forms.DateField(label="自", widget=date_input(), required=False)
    end = forms.DateField(label="至", widget=date_input(), required=False)
    group_by = forms.ChoiceField(label="分组", choices=GROUPS, required=False)


class TargetForm(forms.Form):
    region = RegionField(label="区划")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    max_accidents = forms.IntegerField(label="事故起数控制指标", min_value=0, max_value=1_000_000)
    max_deaths = forms.IntegerField(label="死亡人数控制指标", min_value=0, max_value=1_000_000)
