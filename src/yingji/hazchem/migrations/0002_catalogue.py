"""Load the catalogue (危险化学品目录 2015版, 2,828 entries) and mark the explosive
precursors (易制爆 2017, 74 entries; one, 9.7, is not in the 2015 catalogue and gets a
row of its own). Idempotent: run again, it updates the same rows (tests/conftest.py's
SEEDS runs it after transactional tests emptied the table)."""

from django.db import migrations

from yingji.hazchem.catalogue import catalogue_rows, precursor_rows


def load(apps, schema_editor):
    Chemical = apps.get_model("hazchem", "Chemical")
    precursors = precursor_rows()
    # The precursor marks go in with each catalogue row: one bulk write after a flush.
    marks = {p["serial_no"]: {"explosive_precursor": True, "precursor_serial": p["precursor_serial"],
                              "precursor_class": p["precursor_class"]} for p in precursors if p["serial_no"]}
    unmarked = {"explosive_precursor": False, "precursor_serial": "", "precursor_class": ""}
    existing = {c.serial_no: c for c in Chemical.objects.filter(serial_no__isnull=False)}
    new, changed = [], []
    fields = ("name", "aliases", "cas", "highly_toxic", *unmarked)
    for row in catalogue_rows():
        row.update(marks.get(row["serial_no"], unmarked))
        chem = existing.get(row["serial_no"])
        if chem is None:
            new.append(Chemical(**row))
        elif any(getattr(chem, f) != row[f] for f in fields):
            for f in fields:
                setattr(chem, f, row[f])
            changed.append(chem)
    Chemical.objects.bulk_create(new, batch_size=500)
    Chemical.objects.bulk_update(changed, fields, batch_size=500)
    for row in precursors:
        if row["serial_no"] is None:  # 9.7 季戊四醇: not in the 2015 catalogue, a row of its own
            Chemical.objects.update_or_create(
                serial_no=None, precursor_serial=row["precursor_serial"],
                defaults={"name": row["name"], "aliases": row["aliases"], "cas": row["cas"],
                          "explosive_precursor": True, "precursor_class": row["precursor_class"]})


class Migration(migrations.Migration):
    dependencies = [("hazchem", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
