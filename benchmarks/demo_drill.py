"""The embedded demo holds up under its own worker during drill call-ups with receipts.

Claim (issue 13, section 2): on the SQLite demo, gateway receipts posted while the
in-process worker sends the call-up's messages are all answered 200, and the demo's log
shows no "database is locked". Before `transaction_mode: IMMEDIATE`, three drill call-ups
with 8 receipt threads got 187 answers of 500 out of 219.

The script starts `yingji demo` in a fresh data folder, with a local HTTP gateway for SMS
and voice that answers each message and hands its id to 8 threads posting receipts
("delivered", reply "1") back to `/api/messaging/receipts`; it issues red drill warnings for three
counties with `yingji demo-warning`, waits until no new message has come for a while,
then prints the answers by status and counts "database is locked" and tracebacks in the
demo's log. Exit status 1 when any receipt was not answered 200 or the log shows either.

    .venv/bin/python benchmarks/demo_drill.py
    .venv/bin/python benchmarks/demo_drill.py --regions 331081 331082 331002 --threads 8
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
YINGJI = ROOT / ".venv" / "bin" / "yingji"
TOKEN = "demo-drill-gateway-token"


class Gateway:
    """Accepts every SMS and voice call, and queues its message id for a receipt."""

    def __init__(self):
        self.ids: queue.Queue[int] = queue.Queue()
        self.received = 0
        self.last = time.monotonic()
        self.lock = threading.Lock()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                with gateway.lock:
                    gateway.received += 1
                    gateway.last = time.monotonic()
                gateway.ids.put(int(body["message_id"]))
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post_receipts(gateway: Gateway, base: str, answers: Counter, lock: threading.Lock, stop: threading.Event):
    while not (stop.is_set() and gateway.ids.empty()):
        try:
            message_id = gateway.ids.get(timeout=0.2)
        except queue.Empty:
            continue
        body = json.dumps({"message_id": message_id, "status": "delivered", "reply": "1"}).encode()
        request = urllib.request.Request(f"{base}/api/messaging/receipts", data=body, method="POST", headers={
            "Content-Type": "application/json", "X-Yingji-Gateway-Token": TOKEN})
        try:
            with urllib.request.urlopen(request, timeout=60) as r:
                status = r.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except OSError as exc:
            status = type(exc).__name__
        with lock:
            answers[status] += 1


def wait_until_serving(base: str, process: subprocess.Popen, limit: float = 600) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the demo stopped (exit {process.returncode}) before serving")
        try:
            urllib.request.urlopen(f"{base}/login/", timeout=5)
            return
        except (urllib.error.URLError, OSError):
            time.sleep(1)
    sys.exit("the demo did not answer within 10 minutes")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--regions", nargs="+", default=["331081", "331082", "331002"],
                        help="counties to warn (default Wenling, Linhai, Jiaojiang)")
    parser.add_argument("--threads", type=int, default=8, help="threads posting receipts")
    parser.add_argument("--var", type=Path, help="the demo's data folder to reuse (default: a new one)")
    parser.add_argument("--quiet-seconds", type=float, default=20, help="end after this long without a message")
    args = parser.parse_args()

    gateway = Gateway()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    var = args.var or Path(tempfile.mkdtemp(prefix="yingji-demo-drill-"))
    env = {**os.environ, "YINGJI_VAR_DIR": str(var), "YINGJI_SMS_URL": f"{gateway.url}/sms",
           "YINGJI_VOICE_URL": f"{gateway.url}/voice", "YINGJI_GATEWAY_TOKEN": TOKEN}
    for name in ("DATABASE_URL", "BROKER_URL", "YINGJI_FAKE_GATEWAY"):
        env.pop(name, None)
    log_path = var / f"demo-{int(time.time())}.log"
    print(f"demo on port {port}, data in {var}, log {log_path}")
    with open(log_path, "w") as log:
        demo = subprocess.Popen([str(YINGJI), "demo", "--port", str(port)], env=env, cwd=ROOT,
                                stdout=log, stderr=subprocess.STDOUT)
    try:
        started = time.monotonic()
        wait_until_serving(base, demo)
        print(f"  serving after {time.monotonic() - started:.0f} s")
        answers: Counter = Counter()
        lock, stop = threading.Lock(), threading.Event()
        posters = [threading.Thread(target=post_receipts, args=(gateway, base, answers, lock, stop))
                   for _ in range(args.threads)]
        for thread in posters:
            thread.start()
        started = time.monotonic()
        for region in args.regions:
            subprocess.run([str(YINGJI), "demo-warning", "--region", region, "--level", "red", "--drill"],
                           env=env, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        while time.monotonic() - gateway.last < args.quiet_seconds:
            time.sleep(1)
        stop.set()
        for thread in posters:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        demo.terminate()
        demo.wait(timeout=30)
    text = log_path.read_text(encoding="utf-8", errors="replace")
    locked, tracebacks = text.count("database is locked"), text.count("Traceback")
    print(f"  {len(args.regions)} drill call-ups: {gateway.received} messages at the gateway, "
          f"{sum(answers.values())} receipts posted by {args.threads} threads in {elapsed:.0f} s")
    print(f"  receipt answers by status: {dict(answers)}")
    print(f"  demo log: {locked} 'database is locked', {tracebacks} tracebacks")
    ok = set(answers) <= {200} and locked == 0 and tracebacks == 0 and gateway.received > 0
    print("  PASS" if ok else "  FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
