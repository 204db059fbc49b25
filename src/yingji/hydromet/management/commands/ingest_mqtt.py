"""`yingji ingest-mqtt`: the worker that stores readings published over MQTT.

Runs until Ctrl-C; `--max-seconds` / `--max-messages` bound it (tests, cron). See
`yingji.hydromet.mqtt` for topics, payloads and settings."""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand

from ... import mqtt


class Command(BaseCommand):
    help = ("Subscribe to yingji/stations/+/rain and yingji/stations/+/stage on MQTT_URL "
            "and ingest the readings in small batches.")

    def add_arguments(self, parser):
        parser.add_argument("--url", default="", help="broker URL (default: settings.MQTT_URL)")
        parser.add_argument("--client-id", default=settings.MQTT_CLIENT_ID)
        parser.add_argument("--clean-session", action="store_true",
                            help="do not keep a broker session (readings sent while stopped are lost)")
        parser.add_argument("--max-seconds", type=float, default=None)
        parser.add_argument("--max-messages", type=int, default=None)
        parser.add_argument("--flush-seconds", type=float, default=1.0)
        parser.add_argument("--flush-size", type=int, default=500)

    def handle(self, *args, **o):
        if not logging.getLogger().handlers:
            logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
        counters = mqtt.run(
            url=o["url"] or settings.MQTT_URL, client_id=o["client_id"], clean_session=o["clean_session"],
            max_seconds=o["max_seconds"], max_messages=o["max_messages"],
            ingestor=mqtt.Ingestor(flush_seconds=o["flush_seconds"], flush_size=o["flush_size"]),
        )
        self.stdout.write(counters.line())
