from django.db import migrations, models


def fill_initials(apps, schema_editor):
    """Regions saved before this migration get their initials (save() sets them from now on)."""
    from yingji.core.text import pinyin_initials

    Region = apps.get_model("core", "Region")
    rows = list(Region.objects.only("code", "name"))
    for region in rows:
        region.initials = pinyin_initials(region.name)
    Region.objects.bulk_update(rows, ["initials"], batch_size=1000)


class Migration(migrations.Migration):
    """The pinyin initials of each region's name, for the region picker's search."""

    dependencies = [("core", "0006_rejected_import_rows")]

    operations = [
        migrations.AddField(
            model_name="region", name="initials",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=100,
                                   verbose_name="拼音首字母"),
        ),
        migrations.RunPython(fill_initials, migrations.RunPython.noop),
    ]
