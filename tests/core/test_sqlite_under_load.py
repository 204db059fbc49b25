"""The embedded default holds up under its own worker (issue 13, section 2).

The demo is one process on one SQLite file: the in-process worker's ticks send the
call-up's messages and apply receipts while web threads take gateway receipts, drill
warnings, an enterprise import and hazard work. A deferred transaction that reads and
then writes cannot wait for SQLite's write lock (the busy timeout does not apply to
it), so it failed at once with "database is locked" and the web answered 500. With
`transaction_mode: IMMEDIATE` (settings.py) every transaction takes the lock when it
begins and waits for it there.

The test copies the test database (regions, people, policies) into a file with WAL,
points new threads' connections at it, and runs the worker and five kinds of writer
side by side until each has done its share (bounded loops, at most RUN_SECONDS of wall
time). A single 500, exception or failed tick fails it.
"""

import csv
import datetime as dt
import io
import sqlite3
import threading
import time
from collections import Counter

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test.client import MULTIPART_CONTENT

from yingji.core import scheduler
from yingji.messaging.choices import MessageStatus
from yingji.messaging.models import InboundReceipt, Message

from ..alerts.test_worker_crash import VILLAGE, HoldingGateway, sms_only_policy, village_chiefs
from ..conftest import ApiClient
from ..factories import valid_uscc

pytestmark = pytest.mark.django_db(transaction=True)

RUN_SECONDS = 300  # an upper bound only: the loops end when the work is done (20-45 s on a quiet
# machine); a loaded one (CI beside other jobs) needs longer, and the test is not about speed
TOKEN = "gw-load-test-token"
CHIEFS = 40  # targets of each drill call-up
DRILLS = 3
IMPORTS, IMPORT_ROWS = 2, 300
HAZARDS = 8
GATEWAYS = 4


@pytest.fixture
def file_database(tmp_path):
    """`file_database()` copies the committed test data into a file; connections that
    threads open from then on use it (this thread keeps the in-memory test database)."""
    if connection.vendor != "sqlite":
        pytest.skip("SQLite's own locking (PostgreSQL takes row locks and is tested by the rest of the suite)")
    old = connections.settings["default"]
    assert "journal_mode=wal" in old["OPTIONS"].get("init_command", "").lower()

    def switch():
        path = tmp_path / "yingji.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        connection.connection.backup(target)
        target.close()
        connections.settings["default"] = {**old, "NAME": str(path)}
        return path

    yield switch
    connections.settings["default"] = old


class Load:
    """Threads that each do their share of work, record every unexpected answer, and
    close their own connection at the end."""

    def __init__(self):
        self.stop = threading.Event()
        self.failures: list[str] = []
        self.done: Counter = Counter()
        self.threads: list[threading.Thread] = []
        self.lock = threading.Lock()

    def fail(self, what: str) -> None:
        with self.lock:
            self.failures.append(what)

    def expect(self, response, status: int, what: str):
        if response.status_code != status:
            self.fail(f"{what}: {response.status_code} {response.content[:300]!r}")
        return response

    def thread(self, name: str, body) -> None:
        def run():
            try:
                body()
            except Exception as exc:  # OperationalError above all: the test's point
                self.fail(f"{name}: {type(exc).__name__}: {exc}")
            finally:
                connection.close()

        self.threads.append(threading.Thread(target=run, name=name, daemon=True))

    def run(self, seconds: float, until) -> None:
        for t in self.threads[1:]:
            t.start()
        self.threads[0].start()  # the worker last
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not until() and not self.failures:
            time.sleep(0.05)
        self.stop.set()
        for t in self.threads:
            t.join(60)

    def in_thread(self, fn):
        """Run `fn` on the file database (from a fresh thread) and return its result."""
        out = []
        t = threading.Thread(target=lambda: (out.append(fn()), connection.close()))
        t.start()
        t.join(60)
        return out[0]


def _enterprises_csv(n: int, town: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["企业名称", "统一社会信用代码", "所属乡镇代码", "风险等级"])
    for i in range(n):
        writer.writerow([f"负载测试企业{i:04d}有限公司", valid_uscc(), town, "蓝"])
    return out.getvalue().encode("utf-8")


def test_receipts_imports_and_hazard_work_get_no_500_while_the_worker_sends(
        regions, wenling_officer, enterprise_user, wenling_enterprise, settings, today, file_database):
    sms_only_policy()
    village_chiefs(CHIEFS)

    gateway = HoldingGateway(hold_at=10**9)  # an SMS gateway that answers every request
    # settings.py is the only reader of the environment: the gateways are settings here.
    settings.YINGJI_SMS_URL = gateway.url
    settings.YINGJI_FAKE_GATEWAY = None
    settings.YINGJI_GATEWAY_TOKEN = TOKEN
    officer, firm = ApiClient(wenling_officer), ApiClient(enterprise_user)
    imports = [_enterprises_csv(IMPORT_ROWS, wenling_enterprise.region_id) for _ in range(IMPORTS)]
    file_database()

    load = Load()

    def worker():
        # The in-process worker's ticks (core/scheduler.py), due every round here.
        scheduler.autodiscover()
        fast = scheduler.TickRegistry()
        for tick in scheduler.registry.ticks.values():
            fast.register(tick.name, tick.fn, every_seconds=0.001)
        while not load.stop.is_set():
            for run in fast.run_due():
                if not run.ok:
                    load.fail(f"tick {run.name}: {run.error}")
                load.done["ticks"] += 1
            time.sleep(0.01)

    def drills():
        for n in range(DRILLS):
            load.expect(officer.post("/api/warnings", {
                "type": "rainstorm", "level": "red", "regions": [VILLAGE], "headline": f"演练：暴雨红色预警 {n}",
                "drill": True}), 201, "drill warning")
            load.done["drills"] += 1
            load.stop.wait(0.5)

    def gateway_receipts(k: int):
        def body():
            client, seen = ApiClient(None), set()
            while not load.stop.is_set():
                sent = [pk for pk in Message.objects.filter(status=MessageStatus.SENT).values_list("pk", flat=True)
                        if pk % GATEWAYS == k and pk not in seen][:10]
                for pk in sent:  # one receipt a request, as most gateways send them
                    load.expect(client.post("/api/messaging/receipts", {"message_id": pk, "status": "delivered",
                                                                         "reply": "1"},
                                            headers={"X-Yingji-Gateway-Token": TOKEN}), 200, "receipt")
                    seen.add(pk)
                    load.done["receipts"] += 1
                load.stop.wait(0.02)
        return body

    def importer():
        for content in imports:
            r = load.expect(officer.post("/api/enterprises/import",
                                         {"file": SimpleUploadedFile("台账.csv", content)},
                                         content_type=MULTIPART_CONTENT), 200, "import")
            if r.status_code == 200 and r.json().get("rejected"):
                load.fail(f"import rejected rows: {r.json()['rejected'][:3]}")
            load.done["imports"] += 1

    def hazards():
        for n in range(HAZARDS):
            r = load.expect(officer.post("/api/hazards", {
                "enterprise_id": wenling_enterprise.pk, "description": f"负载测试隐患 {n}", "level": "general",
                "deadline": (today + dt.timedelta(days=30)).isoformat()}), 201, "hazard register")
            if r.status_code != 201:
                return
            path = f"/api/hazards/{r.json()['id']}/actions"
            load.expect(firm.post(f"{path}/start", {}), 200, "hazard start")
            load.expect(firm.post(f"{path}/submit", {"evidence_text": "已整改"}), 200, "hazard submit")
            load.expect(officer.post(f"{path}/accept", {}), 200, "hazard accept")
            load.done["hazards"] += 1

    load.thread("worker", worker)
    load.thread("drills", drills)
    for k in range(GATEWAYS):
        load.thread(f"gateway-{k}", gateway_receipts(k))
    load.thread("importer", importer)
    load.thread("hazards", hazards)

    def finished() -> bool:
        return (load.done["drills"] == DRILLS and load.done["imports"] == IMPORTS and load.done["hazards"] == HAZARDS
                and load.done["receipts"] >= DRILLS * CHIEFS)

    try:
        load.run(RUN_SECONDS, finished)
    finally:
        gateway.server.shutdown()
        gateway.server.server_close()
    assert load.failures == []
    # The work was really done side by side, not skipped: every drill's messages were
    # sent, and a receipt came back for each, stored by the inbox.
    assert finished(), load.done
    stored = load.in_thread(lambda: InboundReceipt.objects.count())
    assert stored == load.done["receipts"] >= DRILLS * CHIEFS
