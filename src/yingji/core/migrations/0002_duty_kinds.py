"""Ship the duty kinds named in DOMAIN.md; administrators add their own as data."""

from django.db import migrations

DUTY_KINDS = [
    # code, name, level (None = any), description
    ("county_flood_chief", "县级防汛责任人", 3, "县（市、区）防汛防台责任人"),
    ("township_party_head", "乡镇党委书记", 4, "乡镇（街道）党委（党工委）主要负责人"),
    ("township_government_head", "乡镇长", 4, "乡镇人民政府（街道办事处）主要负责人"),
    ("township_flood_chief", "乡镇防汛责任人", 4, "乡镇（街道）防汛防台责任人"),
    ("village_flood_chief", "村防汛责任人", 5, "村（社区）防汛防台责任人"),
    ("grid_worker", "网格员", 6, "网格员"),
    ("flash_flood_warner", "山洪预警员", 5, "山洪灾害预警员"),
    ("waterworks_patroller", "水利工程巡查员", None, "水利工程巡查员"),
    ("geohazard_monitor", "地灾群测群防员", None, "地质灾害群测群防员"),
    ("shelter_manager", "避灾场所管理员", None, "避灾安置场所管理员"),
    ("unsafe_house_liaison", "危房联络员", None, "危旧房屋联络员"),
    ("enterprise_safety_officer", "企业安全管理员", None, "企业安全生产管理人员"),
    ("enterprise_principal", "企业主要负责人", None, "企业安全生产第一责任人"),
    ("safety_inspector", "安全生产监管员", None, "应急管理部门安全生产监管人员"),
    ("duty_officer", "值班员", None, "应急值班人员"),
]


def add_kinds(apps, schema_editor):
    DutyKind = apps.get_model("core", "DutyKind")
    for code, name, level, description in DUTY_KINDS:
        DutyKind.objects.update_or_create(code=code, defaults={"name": name, "level": level,
                                                                 "description": description})


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
