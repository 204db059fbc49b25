"""Shipped data: the small-park checklist (十必须十不准) transcribed from the
Zhejiang magazine (2023-09, 省安委办), the management items of MEM Order No. 10
(工贸企业重大事故隐患判定标准, in force 2023-05-15) with the outline of its other two
groups, and the default weights of the regional index.

Every item is phrased so that "yes" (符合) means compliant: for a must-not (不准) the
compliant answer is that the forbidden thing is absent.
"""

from django.db import migrations

SMALL_PARK = "small-park-10-10"
SMALL_PARK_SOURCE = "浙江省安委办《小微园区(厂中厂)安全管理“十必须十不准十必会”》"

MUSTS = [
    ("fire", "保证厂房消防审验合格"),
    ("management", "出租给具备安全生产条件的企业"),
    ("management", "签订安全管理协议"),
    ("management", "配备专职安全管理人员"),
    ("management", "开展每日安全巡查"),
    ("fire", "保持消防设施、器材完好"),
    ("fire", "安装联动逃生警铃"),
    ("hot_work", "落实电气焊作业“审批、清理、动火、监护、处置”五到位措施"),
    ("management", "组织联合应急演练"),
    ("management", "清退拒不整改重大事故隐患的企业"),
]
MUST_NOTS = [
    ("management", "擅自改变厂房使用性质、使用功能"),
    ("fire", "使用易燃、可燃材料进行隔断、装修装饰"),
    ("fire", "在厂房、仓库内设置宿舍"),
    ("fire", "在厂房外窗设置铁栅栏、防盗网"),
    ("fire", "占用堵塞疏散通道、安全出口"),
    ("management", "违规分租转租厂房"),
    ("fire", "违章搭建占用防火间距"),
    ("hazchem", "乱堆乱放危险化学品"),
    ("electrical", "私拉乱接电气线路"),
    ("electrical", "违规充停电动车"),
]

ORDER_10 = "mem-order-10"
ORDER_10_SOURCE = "《工贸企业重大事故隐患判定标准》（应急管理部令第10号，2023年5月15日起施行）"
# Article 3: the management items that apply to every industry-and-trade enterprise.
ORDER_10_MANAGEMENT = [
    ("management", "对承包单位、承租单位的安全生产工作统一协调、管理，并定期进行安全检查", "第三条第（一）项"),
    ("management", "特种作业人员按照规定经专门的安全作业培训并取得相应资格后上岗作业", "第三条第（二）项"),
    ("management", "金属冶炼企业主要负责人、安全生产管理人员按照规定经考核合格", "第三条第（三）项"),
]
# The other groups, by article: the items are to be transcribed from the order's text
# (not in the reference material shipped with the project); their headings keep the
# structure visible in the template's description.
ORDER_10_GROUPS = (
    "管理类（第三条，3项）；行业类（第四条至第十条：冶金、有色、建材、机械、轻工、纺织、烟草，47项）；"
    "专项类（第十一条至第十三条：粉尘爆炸危险场所、液氨制冷、有限空间作业，14项）。"
)

WEIGHTS = [
    ("rectification_rate", "整改率", 0.4),
    ("on_time", "未逾期率", 0.2),
    ("major_closure", "重大隐患销号率", 0.2),
    ("coverage", "企业检查覆盖率", 0.2),
]


def forwards(apps, schema_editor):
    Template = apps.get_model("hazards", "ChecklistTemplate")
    Item = apps.get_model("hazards", "ChecklistItem")
    Weight = apps.get_model("hazards", "IndexWeight")
    park = Template.objects.create(
        code=SMALL_PARK, name="小微园区(厂中厂)安全管理“十必须十不准”", source=SMALL_PARK_SOURCE,
        description="回答“符合”表示满足要求：“必须”项已做到，“不准”项未发生。")
    order = 0
    for n, (category, text) in enumerate(MUSTS, start=1):
        order += 1
        Item.objects.create(template=park, code=f"M{n:02d}", group="十必须", text=f"必须{text}",
                            clause=f"十必须第{n}条", category=category, order=order)
    for n, (category, text) in enumerate(MUST_NOTS, start=1):
        order += 1
        Item.objects.create(template=park, code=f"N{n:02d}", group="十不准", text=f"未{text}（不准{text}）",
                            clause=f"十不准第{n}条", category=category, order=order)
    mem = Template.objects.create(code=ORDER_10, name="工贸企业重大事故隐患判定标准", source=ORDER_10_SOURCE,
                                  description=ORDER_10_GROUPS)
    for n, (category, text, clause) in enumerate(ORDER_10_MANAGEMENT, start=1):
        Item.objects.create(template=mem, code=f"3.{n}", group="管理类", text=text, clause=clause,
                            category=category, major_if_no=True, order=n)
    for component, label, weight in WEIGHTS:
        Weight.objects.create(component=component, label=label, weight=weight)


def backwards(apps, schema_editor):
    apps.get_model("hazards", "ChecklistTemplate").objects.filter(code__in=[SMALL_PARK, ORDER_10]).delete()
    apps.get_model("hazards", "IndexWeight").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("hazards", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
