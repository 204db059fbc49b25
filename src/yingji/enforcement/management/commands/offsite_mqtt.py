"""`yingji offsite-mqtt`: record the off-site detections that cameras, IoT devices and
drones publish on yingji/offsite/<source>/detections.

Runs until Ctrl-C; `--max-seconds` / `--max-messages` bound it (tests, cron). See
`yingji.enforcement.mqtt` for the topic, the payload and the settings."""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand

from ... import mqtt


class Command(BaseCommand):
    help = "Subscribe to yingji/offsite/+/detections on MQTT_URL and record the off-site detections."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="", help="broker URL (default: settings.MQTT_URL)")
        parser.add_argument("--client-id", default="yingji-offsite-detections")
        parser.add_argument("--clean-session", action="store_true",
                            help="do not keep a broker session (detections sent while stopped are lost)")
        parser.add_argument("--max-seconds", type=float, default=None)
        parser.add_argument("--max-messages", type=int, default=None)

    def handle(self, *args, **o):
        if not logging.getLogger().handlers:
            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        counters = mqtt.run(url=o["url"] or settings.MQTT_URL, client_id=o["client_id"],
                            clean_session=o["clean_session"], max_seconds=o["max_seconds"],
                            max_messages=o["max_messages"])
        self.stdout.write(counters.line())
