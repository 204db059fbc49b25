"""The risk-list categories of DOMAIN.md (风险清单), shipped as editable data."""

from django.db import migrations

KINDS = [
    ("flash_flood_village", "山洪村落", "山洪灾害防治区村落"),
    ("danger_zone", "危险区", "山洪危险区（受威胁区域）"),
    ("geo_hazard", "地质灾害点", "滑坡、崩塌、泥石流隐患点"),
    ("reservoir_pond", "水库山塘", "病险水库、山塘"),
    ("sea_wall", "海塘", "海塘及缺口"),
    ("waterlogging", "城市易涝点", "城市内涝易涝点"),
    ("construction_site", "在建工地", "在建工地及塔吊"),
    ("unsafe_house", "危房", "危旧房屋"),
    ("scenic_spot", "景区", "旅游景区"),
    ("port", "船只港口", "渔船、港口"),
    ("mine", "矿山", "矿山"),
    ("underground_garage", "地下车库", "地下车库等地下空间"),
]


def add_kinds(apps, schema_editor):
    kind = apps.get_model("floods", "RiskPointKind")
    for order, (code, name, description) in enumerate(KINDS, start=1):
        # get_or_create: a province that renamed a kind keeps its name.
        kind.objects.get_or_create(code=code, defaults={"name": name, "description": description,
                                                        "order": order * 10})


class Migration(migrations.Migration):
    dependencies = [("floods", "0001_initial")]

    operations = [migrations.RunPython(add_kinds, migrations.RunPython.noop)]
