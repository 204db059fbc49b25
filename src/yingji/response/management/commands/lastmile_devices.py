"""`yingji lastmile-devices`: record what on-site warning devices report (state,
battery, fault, acknowledged commands) on yingji/devices/+/state.

Runs until Ctrl-C; `--max-seconds` / `--max-messages` bound it (tests, cron). See
`yingji.response.devices_lastmile`."""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand

from ... import devices_lastmile


class Command(BaseCommand):
    help = "Subscribe to yingji/devices/+/state and record device states and acknowledgements."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="", help="broker URL (default: YINGJI_DEVICES_MQTT_URL, else MQTT_URL)")
        parser.add_argument("--client-id", default="yingji-lastmile-devices")
        parser.add_argument("--clean-session", action="store_true")
        parser.add_argument("--max-seconds", type=float, default=None)
        parser.add_argument("--max-messages", type=int, default=None)

    def handle(self, *args, **o):
        if not logging.getLogger().handlers:
            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        counters = devices_lastmile.run(
            url=o["url"] or settings.YINGJI_DEVICES_MQTT_URL or settings.MQTT_URL, client_id=o["client_id"],
            clean_session=o["clean_session"], max_seconds=o["max_seconds"], max_messages=o["max_messages"])
        self.stdout.write(counters.line())
