"""The outbox's HTTP client against a real local server: many POSTs side by side,
each outcome matched to its post, the error classes the retry policy relies on."""

import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from yingji.messaging.httpclient import MAX_RESPONSE_BYTES, Post, post_json, post_many

from .conftest import Answer


def test_many_posts_each_get_their_own_answer(gateway):
    # Answers are scripted in the order the server receives the requests, so the
    # server's view says which post got which status.
    gateway.answer(*[Answer(503, "busy") if i % 3 == 0 else Answer(200, {"id": f"p{i}"}) for i in range(30)])
    posts = [Post(gateway.url + "/sms", {"message_id": i, "to": "13900000000", "text": f"第{i}条"}, tag=i)
             for i in range(30)]
    outcomes = post_many(posts, connections=4)
    assert sorted(o.post.tag for o in outcomes) == list(range(30))
    assert sorted(b["message_id"] for b in gateway.bodies()) == list(range(30))
    # The n-th request the server saw was answered with the n-th scripted answer.
    status_by_id = {b["message_id"]: (503 if n % 3 == 0 else 200) for n, b in enumerate(gateway.bodies())}
    for outcome in outcomes:
        if status_by_id[outcome.post.tag] == 200:
            assert outcome.error is None and outcome.answer.status == 200
            assert outcome.answer.json()["id"].startswith("p")
        else:
            assert outcome.answer is None and outcome.error.http_status == 503 and not outcome.error.permanent


def test_the_body_is_utf8_json_with_chinese_unescaped(gateway):
    post_json(gateway.url + "/sms", {"message_id": 1, "to": "139", "text": "请回复1确认"})
    assert gateway.received[0].body == {"message_id": 1, "to": "139", "text": "请回复1确认"}
    assert gateway.received[0].headers["Content-Type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize(("status", "permanent"), [(400, True), (404, True), (301, True), (429, False),
                                                   (500, False), (503, False)])
def test_status_classes(gateway, status, permanent):
    gateway.answer(Answer(status, "no"))
    (outcome,) = post_many([Post(gateway.url + "/sms", {"message_id": 1})], connections=2)
    assert outcome.error.http_status == status and outcome.error.permanent is permanent


@pytest.mark.parametrize("url", ["ftp://example.org/x", "file:///etc/passwd", "http://", "http://h:99999/"])
def test_urls_that_no_retry_can_mend_fail_permanently(url):
    (outcome,) = post_many([Post(url, {})], connections=2)
    assert outcome.error.permanent and "地址无效" in str(outcome.error)


class _Huge(BaseHTTPRequestHandler):
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        data = b"x" * (3 * MAX_RESPONSE_BYTES)
        self.send_response(200)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


def test_a_long_answer_is_read_only_up_to_the_limit():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Huge)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        answer = post_json(f"http://127.0.0.1:{server.server_address[1]}/", {"message_id": 1})
        assert answer.status == 200 and answer.body == b"x" * MAX_RESPONSE_BYTES
    finally:
        server.shutdown()
        server.server_close()


class _Together(BaseHTTPRequestHandler):
    """Answers 200 only once `parties` requests are being held at the same time."""

    barrier: threading.Barrier

    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        try:
            self.barrier.wait(timeout=10)
            status = 200
        except threading.BrokenBarrierError:
            status = 500
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


def test_requests_are_in_flight_side_by_side():
    handler = type("Handler", (_Together,), {"barrier": threading.Barrier(4)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        outcomes = post_many([Post(url, {"message_id": i}) for i in range(4)], connections=4)
        assert [o.error for o in outcomes] == [None] * 4
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def tls_server(tmp_path):
    """An HTTPS server on 127.0.0.1 with a certificate made for the test."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Huge)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"https://127.0.0.1:{server.server_address[1]}/", cert
    server.shutdown()
    server.server_close()


def test_https_answers_are_checked_against_the_certificate_authorities(tls_server, settings):
    url, cert = tls_server
    (refused,) = post_many([Post(url, {"message_id": 1})], connections=1)  # the system's CAs do not know it
    assert refused.error is not None and not refused.error.permanent
    settings.SSL_CERT_FILE = str(cert)
    assert post_json(url, {"message_id": 1}).status == 200
