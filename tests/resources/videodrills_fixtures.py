"""Shared pieces of the video-drill tests: a few villages under the official tree, and
a local HTTP server standing in for the video system (it records what it was asked
to call and answers as scripted)."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from yingji.core.choices import RegionLevel
from yingji.core.models import Region

from ..conftest import LINHAI_TOWN, WENLING_TOWN

WENLING_TOWN_2 = "331081002"
VILLAGES = {
    "331081001001": ("东村", WENLING_TOWN), "331081001002": ("西村", WENLING_TOWN),
    "331081002001": ("南村", WENLING_TOWN_2), "331082001001": ("北村", LINHAI_TOWN),
}


@pytest.fixture
def villages(regions):
    for code, (name, parent) in VILLAGES.items():
        Region.objects.get_or_create(code=code, defaults={"name": name, "level": RegionLevel.VILLAGE,
                                                          "parent_id": parent})
    return sorted(VILLAGES)


@pytest.fixture(autouse=True)
def no_video_system(settings):
    """The demo's set-up unless a test says otherwise: no video system configured."""
    settings.YINGJI_VIDEO_SYSTEM_URL = ""
    settings.YINGJI_VIDEO_SYSTEM_TOKEN = "video-secret"


class StandInVideoSystem:
    """A video system on 127.0.0.1: records each POST's JSON and answers with the next
    scripted status (200 when the script is empty)."""

    def __init__(self):
        self.received: list[dict] = []
        self.statuses: list[int] = []
        system = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                system.received.append(json.loads(raw))
                status = system.statuses.pop(0) if system.statuses else 200
                body = json.dumps({"ok": status == 200}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/calls"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)


@pytest.fixture
def video_system(settings):
    system = StandInVideoSystem()
    system.thread.start()
    settings.YINGJI_VIDEO_SYSTEM_URL = system.url
    yield system
    system.server.shutdown()
    system.server.server_close()
