"""A real HTTP server on 127.0.0.1 standing in for the SMS and voice gateways and
the DingTalk/WeCom robots: tests script its answers and read what it received."""

import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from yingji.messaging import services


@dataclass
class Received:
    path: str
    query: dict
    headers: dict
    body: dict | None


@dataclass
class Answer:
    status: int = 200
    body: object = field(default_factory=lambda: {"errcode": 0, "errmsg": "ok"})
    delay: float = 0.0


class FakeGateway:
    def __init__(self):
        self.received: list[Received] = []
        self.script: list[Answer] = []
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.server.block_on_close = False
        self.server.handle_error = lambda request, address: None  # clients that timed out hang up
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                       daemon=True)

    def answer(self, *answers: Answer) -> None:
        """Give these answers to the next requests, in order; then 200 {"errcode": 0}."""
        self.script.extend(answers)

    def bodies(self) -> list:
        return [r.body for r in self.received]

    def _next(self) -> Answer:
        with self.lock:
            return self.script.pop(0) if self.script else Answer()

    def _handler(self):
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                url = urllib.parse.urlsplit(self.path)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                with gateway.lock:
                    gateway.received.append(Received(url.path, dict(urllib.parse.parse_qsl(url.query)),
                                                      dict(self.headers), body))
                answer = gateway._next()
                time.sleep(answer.delay)
                payload = answer.body if isinstance(answer.body, str) else json.dumps(answer.body)
                data = payload.encode("utf-8")
                self.send_response(answer.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        return Handler


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The people fixtures set passwords; the default hasher costs a second each on a
    busy machine, and these tests never check a password."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def gateway(settings):
    """The fake gateway, configured as every HTTP channel of the outbox."""
    gw = FakeGateway()
    gw.thread.start()
    settings.YINGJI_SMS_URL = gw.url + "/sms"
    settings.YINGJI_VOICE_URL = gw.url + "/voice"
    settings.YINGJI_DINGTALK_WEBHOOK = gw.url + "/robot/send?access_token=dt-token"
    settings.YINGJI_WECOM_WEBHOOK = gw.url + "/cgi-bin/webhook/send?key=wc-key"
    settings.YINGJI_DINGTALK_SECRET = ""
    yield gw
    gw.server.shutdown()
    gw.server.server_close()


@pytest.fixture
def unconfigured(settings):
    for name in ("YINGJI_SMS_URL", "YINGJI_VOICE_URL", "YINGJI_DINGTALK_WEBHOOK", "YINGJI_WECOM_WEBHOOK",
                 "EMAIL_HOST"):
        setattr(settings, name, "")
    settings.YINGJI_FAKE_GATEWAY = None


@pytest.fixture
def listeners():
    """The reply-listener registry, emptied for the test and restored after it."""
    saved = list(services.reply_batch_listeners)
    services.reply_batch_listeners.clear()
    yield services.reply_batch_listeners
    services.reply_batch_listeners[:] = saved
