"""Ship the call-up defaults of DOMAIN.md ("reference practice"): an SMS at once, the
first voice call within 3 minutes, 3 redials within 5 minutes when not answered,
the superior and the unreached list at 15 minutes. Blue warnings only inform (one
SMS asking for confirmation, no calls, no escalation). Administrators edit these."""

from django.db import migrations

DUTY_KINDS = [
    "county_flood_chief", "township_party_head", "township_government_head", "township_flood_chief",
    "village_flood_chief", "flash_flood_warner", "grid_worker", "geohazard_monitor", "shelter_manager",
]


def add_policies(apps, schema_editor):
    Policy = apps.get_model("alerts", "CallUpPolicy")
    Step = apps.get_model("alerts", "CallUpStep")
    if Policy.objects.exists():
        return
    full = Policy.objects.create(name="默认叫应规则（短信、电话、15分钟升级）", escalate_after_minutes=15,
                                 notify_duty_officer=True)
    full.duty_kinds.set(DUTY_KINDS)
    Step.objects.create(policy=full, number=1, channel="sms", delay_minutes=0)
    # First call at 1 minute (within 3); redials at 2.5, 4 and 5.5 (3 within 5 minutes of the first).
    Step.objects.create(policy=full, number=2, channel="voice", delay_minutes=1, redials=3,
                        redial_interval_minutes=1.5)
    blue = Policy.objects.create(name="蓝色预警告知（仅短信）", level="blue", escalate_after_minutes=None,
                                 notify_duty_officer=False)
    blue.duty_kinds.set(DUTY_KINDS)
    Step.objects.create(policy=blue, number=1, channel="sms", delay_minutes=0)


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial"), ("core", "0002_duty_kinds")]
    operations = [migrations.RunPython(add_policies, migrations.RunPython.noop)]
