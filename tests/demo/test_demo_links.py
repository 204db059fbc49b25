"""The demo's acknowledgement links point at the port the demo serves (issue 15,
item 8): the public URL is derived from --host/--port unless the operator set
YINGJI_PUBLIC_URL."""

import pytest
from django.core.management.base import CommandError

from yingji.alerts.services.links import public_url
from yingji.demo.management.commands.demo import Command, demo_public_url


@pytest.mark.parametrize("host, port, expected", [
    ("127.0.0.1", 8765, "http://127.0.0.1:8765"),
    ("0.0.0.0", 9000, "http://127.0.0.1:9000"),
    ("demo.local", 8000, "http://demo.local:8000"),
    ("::1", 8080, "http://[::1]:8080"),
])
def test_the_public_url_follows_the_port(settings, host, port, expected):
    settings.YINGJI_PUBLIC_URL_EXPLICIT = False
    assert demo_public_url(host, port) == expected


def test_an_explicit_public_url_wins(settings):
    settings.YINGJI_PUBLIC_URL, settings.YINGJI_PUBLIC_URL_EXPLICIT = "https://yj.example.gov.cn/", True
    assert demo_public_url("127.0.0.1", 8765) == "https://yj.example.gov.cn"


def test_the_served_demo_signs_links_with_its_own_port(settings, monkeypatch):
    settings.YINGJI_PUBLIC_URL, settings.YINGJI_PUBLIC_URL_EXPLICIT = "http://127.0.0.1:8000", False
    seen = {}
    monkeypatch.setattr(Command, "_serve", lambda self, host, port: seen.setdefault("url", public_url()))
    Command().serve("127.0.0.1", 8765)
    assert seen["url"] == "http://127.0.0.1:8765"
    assert public_url() == "http://127.0.0.1:8000"  # only while serving


def test_a_port_out_of_range_is_refused():
    with pytest.raises(CommandError, match="65535"):
        Command().handle(host="127.0.0.1", port=0, no_serve=True)
