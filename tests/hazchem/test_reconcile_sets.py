"""The set-based reconciliation: hand-computed cases of each rule over columns, and the
same findings as the row-by-row rules (`reconcile.findings` for every row) over random
flows in the database; the nightly run writes them as work orders once."""

import datetime as dt
import random
from decimal import Decimal

import numpy as np
import pytest

from yingji.hazchem import reconcile, reconcile_run, services
from yingji.hazchem.models import Flow, WorkOrder
from yingji.hazchem.reconcile_sets import KIND_CODES, Licences, Rows
from yingji.hazchem.reconcile_sets import reconcile as reconcile_columns

from ..conftest import LINHAI_TOWN, WENLING_TOWN
from ..factories import EnterpriseFactory
from .helpers import CAUSTIC_SODA, chemical, licence

D0 = 19800  # a day number (days since 1970)


def rows(*spec):
    """(id, recorder, counterparty, out, chem, day offset, grams, cents) per row."""
    cols = list(zip(*spec, strict=True))
    types = (np.int64, np.int32, np.int32, bool, np.int32, np.int32, np.int64, np.int64)
    a = [np.array(c, dtype=t) for c, t in zip(cols, types, strict=True)]
    return Rows(id=a[0], ent=a[1], cp=a[2], out=a[3], chem=a[4], day=a[5] + D0, grams=a[6], cents=a[7])


def licences(*spec):
    """(holder, kind, chem (0: all listed), start offset, end offset) per licence."""
    if not spec:
        return Licences(*(np.zeros(0, dtype=t) for t in (np.int32, np.int8, np.int32, np.int32, np.int32)))
    h, k, c, s, e = zip(*spec, strict=True)
    return Licences(holder=np.array(h, dtype=np.int32), kind=np.array([KIND_CODES[x] for x in k], dtype=np.int8),
                    chem=np.array(c, dtype=np.int32), start=np.array(s, dtype=np.int32) + D0,
                    end=np.array(e, dtype=np.int32) + D0)


NO_PERMITS = np.zeros(10, dtype=bool)


def run(r, lic=None, permits=NO_PERMITS, window=7, threshold=5):
    return reconcile_columns(r, lic or licences(), permits, window, threshold)


def test_unlicensed_sales_count_once_and_only_outside_the_licence():
    # Seller 1 sells chemical 3 to buyers 2 and 4. Day 0: buyer 2 recorded 2 t for 6,900.00,
    # the seller recorded the same sale: its own row counts. Day 10: only the buyer's row.
    # Day 20: covered by a trading licence (days 15–25), no gains. Day 30: buyer 4, two rows.
    r = rows((1, 2, 1, False, 3, 0, 2_000_000, 690000),
             (2, 1, 2, True, 3, 0, 2_000_000, 690000),
             (3, 2, 1, False, 3, 10, 750_000, 254866),
             (4, 2, 1, False, 3, 20, 1_000_000, 100000),
             (5, 4, 1, False, 3, 30, 500_000, 5000),
             (6, 4, 1, False, 3, 30, 500_000, 5000))
    found = run(r, licences((1, "trading", 3, 15, 25)))
    assert [f.kind for f in found] == ["unlicensed_seller"]
    f = found[0]
    assert (f.party, f.chem) == (1, 3)
    assert f.evidence.tolist() == [2, 3, 5, 6]  # row 1 is the same sale as row 2
    assert f.cents == 690000 + 254866 + 5000 + 5000
    assert f.grams == 2_000_000 + 750_000 + 1_000_000
    assert f.last_row == 6


def test_a_licence_of_all_listed_chemicals_or_of_production_covers_and_overlaps_merge():
    r = rows((1, 2, 1, False, 3, 5, 1000, 100), (2, 2, 1, False, 3, 40, 1000, 100))
    assert run(r, licences((1, "production", 0, 0, 10), (1, "trading", 3, 8, 50))) == []
    # Two overlapping licences, the second inside the first: day 40 still covered by the first.
    assert run(r, licences((1, "trading", 3, 0, 45), (1, "trading", 3, 2, 6))) == []
    # A use licence does not permit selling; another chemical's licence neither.
    assert len(run(r, licences((1, "use", 0, 0, 50), (1, "trading", 4, 0, 50)))) == 1


def test_quantities_that_disagree_on_a_day():
    r = rows((1, 2, 1, False, 3, 0, 2_000_000, 0), (2, 1, 2, True, 3, 0, 2_500_000, 0),
             (3, 2, 1, False, 3, 1, 2_000_000, 0), (4, 1, 2, True, 3, 1, 2_000_000, 0))
    found = run(r, licences((1, "trading", 0, 0, 9)))
    assert [(f.kind, f.day - D0, f.grams, f.out_grams, f.in_grams) for f in found] == [
        ("quantity_mismatch", 0, 500_000, 2_500_000, 2_000_000)]
    assert found[0].evidence.tolist() == [1, 2] and found[0].buyer == 2


def test_a_permit_chemical_bought_on_days_without_a_use_permit():
    permits = NO_PERMITS.copy()
    permits[5] = True
    r = rows((1, 2, 1, False, 5, 0, 1000, 0), (2, 2, 1, False, 5, 20, 3000, 0), (3, 2, 1, False, 3, 0, 1000, 0),
             (4, 1, 2, True, 5, 30, 7000, 0))  # the seller's own outbound row is not the buyer's use
    found = run(r, licences((1, "trading", 0, 0, 99), (2, "use", 5, 10, 25)), permits)
    assert [(f.kind, f.party, f.evidence.tolist(), f.grams) for f in found] == [
        ("use_outside_permit", 2, [1], 1000)]


def test_many_new_buyers_within_the_window():
    # Seller 1: buyers 10..14 buy first on days 0, 2, 4, 6, 7 (window 7: days d-6..d), buyer 15 on day 20.
    firsts = {10: 0, 11: 2, 12: 4, 13: 6, 14: 7, 15: 20}
    spec = [(i + 1, b, 1, False, 3, day, 1000, 0) for i, (b, day) in enumerate(firsts.items())]
    spec.append((7, 10, 1, False, 3, 7, 1000, 0))  # buyer 10 again on day 7: not new
    lic = licences((1, "trading", 0, 0, 99))
    assert run(rows(*spec), lic, threshold=5) == []  # day 6: 4 new (0..6); day 7: 11..14 (1..7) = 4
    found = run(rows(*spec), lic, threshold=4)
    assert [(f.kind, f.evidence.tolist(), f.peak, f.last_row) for f in found] == [
        ("many_new_buyers", [1, 2, 3, 4, 5], 4, 7)]
    # Window 8: day 7 counts 10..14 (days 0..7) = 5.
    assert [f.peak for f in run(rows(*spec), lic, window=8, threshold=5)] == [5]


# The same findings as the row-by-row rules, over random flows in the database ------------

CHEMICALS = (CAUSTIC_SODA, "143-33-9", "7697-37-2")  # 氢氧化钠; 氰化钠 (剧毒); 硝酸 (易制爆)


def random_flows(seed: int, n: int = 160) -> None:
    rnd = random.Random(seed)
    firms = [EnterpriseFactory(region_id=rnd.choice((LINHAI_TOWN, WENLING_TOWN))) for _ in range(7)]
    strangers = ["91330000MA2ABCDE1X", "91330000MA2ABCDE2X"]  # sellers the register lacks
    chems = [chemical(c) for c in CHEMICALS]
    start = dt.date(2024, 1, 1)
    for i, firm in enumerate(firms[:4]):
        licence(firm, rnd.choice(("trading", "production", "use")), *rnd.sample(chems, 2),
                start=(start + dt.timedelta(days=rnd.randint(-20, 30))).isoformat(),
                end=(start + dt.timedelta(days=rnd.randint(20, 80))).isoformat(), number=f"L{seed}-{i}")
    licence(firms[4], "trading", all_listed=True, start="2024-01-20", end="2024-02-10", number=f"A{seed}")
    rows = []
    for _ in range(n):
        recorder = rnd.choice(firms)
        other = rnd.choice([f.uscc for f in firms if f != recorder] + strangers)
        rows.append(Flow(enterprise=recorder, direction=rnd.choice(("in", "in", "out")), chemical=rnd.choice(chems),
                         date=start + dt.timedelta(days=rnd.randint(0, 50)),
                         quantity=Decimal(rnd.randint(1, 4000)) / 1000, unit=rnd.choice(("t", "kg")),
                         counterparty_uscc=other, amount=Decimal(rnd.randint(0, 900000)) / 100))
    # Both sides of some sales: the seller's own row for a buyer's, equal or not.
    for row in list(rows[:40]):
        if row.direction == "in" and row.counterparty_uscc not in strangers:
            seller = next(f for f in firms if f.uscc == row.counterparty_uscc)
            same = rnd.random() < 0.7
            rows.append(Flow(enterprise=seller, direction="out", chemical=row.chemical, date=row.date,
                             quantity=row.quantity if same else row.quantity + 1, unit=row.unit,
                             counterparty_uscc=row.enterprise.uscc, amount=row.amount))
    Flow.objects.bulk_create(rows)


def row_by_row() -> dict[str, tuple]:
    """`reconcile.findings` of every row over all rows, by key; each row that triggers a
    key must say the same, and the key's last trigger is its largest row id."""
    by_key: dict[str, tuple] = {}
    for flow in Flow.objects.select_related("enterprise", "chemical").order_by("id"):
        for f in reconcile.findings(flow):
            said = describe(f)
            assert by_key.get(f.key, (said,))[0] == said, f.key
            by_key[f.key] = (said, flow.pk)
    return by_key


def describe(f: reconcile.Finding) -> tuple:
    return (f.kind, f.party_uscc, f.chemical.pk, tuple(f.evidence), f.illegal_gains,
            f.quantity_t.quantize(Decimal("0.001")), f.summary)


@pytest.mark.django_db
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_set_based_findings_equal_the_row_by_row_rules(settings, regions, seed):
    settings.HAZCHEM_NEW_BUYERS_THRESHOLD = 3
    random_flows(seed)
    expected = row_by_row()
    got = {f.key: (describe(f), last) for f, last in reconcile_run.findings()}
    assert got == expected
    kinds = [k.split(":")[0] for k in expected]
    assert {"unlicensed_seller", "quantity_mismatch", "use_outside_permit", "many_new_buyers"} <= set(kinds), kinds


@pytest.mark.django_db
def test_the_nightly_run_opens_each_order_once_then_writes_nothing(settings, regions, linhai_enterprise,
                                                                   wenling_enterprise):
    flows = [Flow(enterprise=wenling_enterprise, direction="in", chemical=chemical(CAUSTIC_SODA),
                  date=dt.date(2024, 3, d), quantity=Decimal(2), unit="t", counterparty_uscc=linhai_enterprise.uscc,
                  amount=Decimal("6900.00")) for d in (1, 2, 3)]
    Flow.objects.bulk_create(flows)  # as a bulk load would: no reconciliation at recording
    assert services.reconcile_all() == {"findings": 1, "opened": 1, "updated": 0, "unchanged": 0}
    order = WorkOrder.objects.get()
    assert (order.kind, order.party_id, order.region_id) == ("unlicensed_seller", linhai_enterprise.pk,
                                                               linhai_enterprise.region_id)
    assert order.illegal_gains == Decimal("20700.00") and order.quantity_t == Decimal("6.000")
    assert order.evidence.count() == 3
    assert services.reconcile_all() == {"findings": 1, "opened": 0, "updated": 0, "unchanged": 1}
    Flow.objects.create(enterprise=wenling_enterprise, direction="in", chemical=chemical(CAUSTIC_SODA),
                        date=dt.date(2024, 3, 4), quantity=Decimal("0.5"), unit="t",
                        counterparty_uscc=linhai_enterprise.uscc, amount=Decimal("1725.00"))
    assert services.reconcile_all()["updated"] == 1
    order.refresh_from_db()
    assert order.illegal_gains == Decimal("22425.00") and order.evidence.count() == 4


@pytest.mark.django_db
def test_the_command_and_the_nightly_tick_run_it(regions, linhai_enterprise, wenling_enterprise):
    from io import StringIO

    from django.core.management import call_command

    from yingji.core import scheduler

    Flow.objects.create(enterprise=wenling_enterprise, direction="in", chemical=chemical(CAUSTIC_SODA),
                        date=dt.date(2024, 3, 1), quantity=Decimal(1), unit="t",
                        counterparty_uscc=linhai_enterprise.uscc, amount=Decimal("3450.00"))
    out = StringIO()
    call_command("hazchem_reconcile", stdout=out)
    assert out.getvalue().split() == ["findings=1", "opened=1", "updated=0", "unchanged=0"]
    scheduler.autodiscover()
    tick = scheduler.registry.ticks["hazchem.reconcile_all"]
    assert tick.every_seconds == 24 * 3600
    assert tick.fn() == {"findings": 1, "opened": 0, "updated": 0, "unchanged": 1}


def test_a_large_register_numbers_only_the_traders_in_the_key():
    # Indexes up to twenty million: 4e14 pairs × 4 chemical ids × ~4,000 days would not fit in 63 bits.
    r = rows((1, 19_999_999, 3_000_000, False, 3, 0, 1000, 100),
             (2, 19_999_999, 3_000_000, False, 3, 4000, 1000, 100))
    found = run(r)
    assert [(f.kind, f.party, f.evidence.tolist()) for f in found] == [("unlicensed_seller", 3_000_000, [1, 2])]
