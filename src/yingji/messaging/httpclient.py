"""The outbox's HTTP client: JSON POSTs to gateways and robots, one at a time or
many at once, by libcurl (pycurl).

A call-up hands tens of thousands of messages to the same gateway. Python's
http.client from a pool of threads cost ~460 µs of CPU per request here (measured
against the benchmark's gateway: half of it the threads fighting over the GIL);
libcurl's multi interface runs `connections` requests side by side from ONE
thread, parsing in C, at ~50 µs. Connections are kept alive between requests and
batches (a TLS handshake per message would cost more than the message); each
thread has its own set, made anew after a fork.

Redirects are never followed (a gateway that redirects a POST is misconfigured:
following would turn it into a GET without the message); a 3xx is a permanent
error like a 4xx. Answers are read up to MAX_RESPONSE_BYTES.
"""

import json
import os
import ssl
import threading
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field

import pycurl
from django.conf import settings

MAX_RESPONSE_BYTES = 64 * 1024
# The answers that mean "not now" rather than "never".
TEMPORARY_HTTP = {408, 425, 429}
HEADERS = ["Content-Type: application/json; charset=utf-8", "User-Agent: yingji-messaging",
           "Expect:"]  # no "100-continue" round trip before the body
# libcurl's errors that no retry can mend: the URL itself is wrong.
_PERMANENT_CURL = {pycurl.E_UNSUPPORTED_PROTOCOL, pycurl.E_URL_MALFORMAT}


class TransportError(Exception):
    """A message could not be handed over. `permanent`: retrying cannot help."""

    def __init__(self, message: str, *, permanent: bool = False, http_status: int | None = None):
        super().__init__(message)
        self.permanent = permanent
        self.http_status = http_status


@dataclass(frozen=True)
class HttpAnswer:
    status: int
    body: bytes

    def json(self):
        try:
            return json.loads(self.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None


@dataclass(frozen=True)
class Post:
    """A JSON POST to send; `tag` comes back with its outcome (the caller's message)."""

    url: str
    payload: dict
    tag: object = None


@dataclass
class Outcome:
    """What became of one Post: an answer (2xx) or an error, and how long it took."""

    post: Post
    answer: HttpAnswer | None
    error: TransportError | None
    seconds: float


def timeout_seconds() -> float:
    return float(settings.YINGJI_MESSAGING_TIMEOUT_SECONDS)


def post_json(url: str, payload: dict) -> HttpAnswer:
    """POST `payload` as JSON; a 2xx comes back, anything else raises TransportError."""
    (outcome,) = post_many([Post(url, payload)], connections=1)
    if outcome.error is not None:
        raise outcome.error
    return outcome.answer


def post_many(posts: list[Post], *, connections: int) -> list[Outcome]:
    """POST them all, at most `connections` at a time; the outcomes in the order
    they finished."""
    return [o for batch in exchanges(connections).run(posts) for o in batch]


@dataclass
class _Transfer:
    post: Post
    started: float
    body: list = field(default_factory=list)
    size: int = 0


class Exchanges:
    """One thread's libcurl multi handle and its reusable easy handles (each keeps
    its connection open for the next request to the same host)."""

    def __init__(self, connections: int, authorities: str | None = None):
        self.authorities = authorities
        self.multi = pycurl.CurlMulti()
        self.multi.setopt(pycurl.M_MAX_HOST_CONNECTIONS, connections)
        self.free = [self._easy() for _ in range(connections)]
        self.connections = connections

    def _easy(self) -> pycurl.Curl:
        easy = pycurl.Curl()
        if self.authorities is not None:
            easy.setopt(pycurl.CAINFO, self.authorities)
        easy.setopt(pycurl.HTTPHEADER, HEADERS)
        easy.setopt(pycurl.NOSIGNAL, 1)  # timeouts without SIGALRM: safe in threads
        easy.setopt(pycurl.FOLLOWLOCATION, 0)
        easy.setopt(pycurl.PROTOCOLS, pycurl.PROTO_HTTP | pycurl.PROTO_HTTPS)
        return easy

    def run(self, posts: list[Post], *, wait_seconds: float = 0.25) -> Iterator[list[Outcome]]:
        """Send the posts; yield the outcomes finished since the last yield (perhaps
        none) at least every `wait_seconds`, so the caller can record them meanwhile."""
        todo = list(reversed(posts))
        out: dict[int, tuple[pycurl.Curl, _Transfer]] = {}
        timeout_ms = int(timeout_seconds() * 1000)
        try:
            while todo or out:
                refused = []
                while todo and self.free:
                    post = todo.pop()
                    if (problem := url_problem(post.url)) is not None:
                        refused.append(Outcome(post, None, problem, 0.0))
                        continue
                    easy, transfer = self.free.pop(), _Transfer(post, time.monotonic())
                    self._start(easy, transfer, timeout_ms)
                    out[id(easy)] = (easy, transfer)
                yield refused + self._step(out, 0 if refused else wait_seconds)
        finally:
            for easy, _ in out.values():  # the caller stopped early: nothing stays half-sent
                self.multi.remove_handle(easy)
                self.free.append(easy)

    def _start(self, easy: pycurl.Curl, transfer: _Transfer, timeout_ms: int) -> None:
        def write(chunk: bytes) -> None:
            if transfer.size < MAX_RESPONSE_BYTES:
                transfer.body.append(chunk[:MAX_RESPONSE_BYTES - transfer.size])
            transfer.size += len(chunk)

        easy.setopt(pycurl.URL, transfer.post.url)
        easy.setopt(pycurl.POSTFIELDS, json.dumps(transfer.post.payload, ensure_ascii=False).encode("utf-8"))
        easy.setopt(pycurl.WRITEFUNCTION, write)
        easy.setopt(pycurl.TIMEOUT_MS, timeout_ms)
        easy.setopt(pycurl.CONNECTTIMEOUT_MS, timeout_ms)
        self.multi.add_handle(easy)

    def _step(self, out: dict, wait_seconds: float) -> list[Outcome]:
        """Drive the transfers until some finish or `wait_seconds` pass."""
        deadline = time.monotonic() + wait_seconds
        finished: list[Outcome] = []
        while True:
            while self.multi.perform()[0] == pycurl.E_CALL_MULTI_PERFORM:
                pass
            while True:
                queued, ok, failed = self.multi.info_read()
                finished += [self._finish(out, easy, None, "") for easy in ok]
                finished += [self._finish(out, easy, code, text) for easy, code, text in failed]
                if not queued:
                    break
            left = deadline - time.monotonic()
            if finished or left <= 0 or not out:
                return finished
            self.multi.select(min(left, 0.05))

    def _finish(self, out: dict, easy: pycurl.Curl, code: int | None, text: str) -> Outcome:
        _, transfer = out.pop(id(easy))
        status = easy.getinfo(pycurl.RESPONSE_CODE) if code is None else 0
        self.multi.remove_handle(easy)
        self.free.append(easy)
        seconds = time.monotonic() - transfer.started
        if code is not None:
            return Outcome(transfer.post, None, _curl_error(code, text), seconds)
        body = b"".join(transfer.body)
        if 200 <= status < 300:
            return Outcome(transfer.post, HttpAnswer(status, body), None, seconds)
        return Outcome(transfer.post, None, http_error(status, body[:2000]), seconds)


def certificate_authorities() -> str | None:
    """The CA file HTTPS answers are checked against: the one Python's ssl module
    uses (SSL_CERT_FILE, else the system's), not the path compiled into the wheel's
    libcurl, which may not exist on this system."""
    path = settings.SSL_CERT_FILE or ssl.get_default_verify_paths().cafile
    return path if path and os.path.exists(path) else None


def url_problem(url: str) -> TransportError | None:
    """Why this URL cannot be posted to (no retry mends it), or None."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return TransportError(f"地址无效 / not an http(s) URL: {url[:200]}", permanent=True)
    try:
        parts.port  # noqa: B018 - reading it validates the port
    except ValueError as exc:
        return TransportError(f"地址无效 / invalid URL: {exc}", permanent=True)
    return None


def http_error(status: int, body: bytes) -> TransportError:
    detail = body.decode("utf-8", "replace").strip()[:300]
    permanent = 300 <= status < 500 and status not in TEMPORARY_HTTP
    return TransportError(f"HTTP {status}: {detail}" if detail else f"HTTP {status}",
                          permanent=permanent, http_status=status)


def _curl_error(code: int, text: str) -> TransportError:
    if code in _PERMANENT_CURL:
        return TransportError(f"地址无效 / invalid URL: {text}", permanent=True)
    if code == pycurl.E_OPERATION_TIMEDOUT:
        return TransportError("网关超时 / gateway timed out")
    return TransportError(f"无法连接网关 / cannot reach the gateway: {text} (curl {code})")


_local = threading.local()


def exchanges(connections: int) -> Exchanges:
    """This thread's multi handle for that many connections, made anew after a fork
    (handles do not survive one) and when the CA file changed (libcurl keeps the
    certificates it parsed with the handle)."""
    mine = _local.__dict__
    if mine.get("pid") != os.getpid():
        mine.clear()
        mine["pid"] = os.getpid()
    key = (connections, certificate_authorities())
    if key not in mine:
        mine[key] = Exchanges(*key)
    return mine[key]
