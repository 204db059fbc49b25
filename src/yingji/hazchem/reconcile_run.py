"""The set-based reconciliation against the database: read every flow row and licence
as columns, run `reconcile_sets`, and open or update one work order per finding.

Run nightly (tick `hazchem.reconcile_all`) and by `yingji hazchem-reconcile`: it catches
what row-by-row reconciliation cannot see at recording time (a licence entered late,
an enterprise registered after its buyers recorded it) and is the path for bulk loads.
An order whose finding is unchanged is left alone (no audit row, no update), so a run
over unchanged data writes nothing.
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.conf import settings
from django.db import connection
from django.db.models import Max, Min

from ..core.scope import SYSTEM
from ..enterprises.selectors import enterprises_in_scope
from . import flow_copy, reconcile, reconcile_sets
from .choices import FindingKind
from .models import Chemical, Flow, HazchemLicence

EPOCH = dt.date(1970, 1, 1)
USCC_LEN = 18


@dataclass
class Register:
    """The enterprises as `reconcile_sets` indexes them: index → USCC; the register's
    enterprises first (index → pk and region), then counterparties it lacks."""

    uscc: list[str]
    pk: list[int | None]
    region: list[str | None]
    by_pk: np.ndarray  # enterprise pk → index (-1: none)

    @classmethod
    def load(cls) -> Register:
        rows = sorted(enterprises_in_scope(scope=SYSTEM).values_list("uscc", "pk", "region_id"))
        uscc = [u for u, _pk, _r in rows]
        pks = [pk for _u, pk, _r in rows]
        by_pk = np.full(max(pks, default=0) + 1, -1, dtype=np.int32)
        by_pk[pks] = np.arange(len(pks), dtype=np.int32)
        return cls(uscc=uscc, pk=pks, region=[r for _u, _pk, r in rows], by_pk=by_pk)

    def index(self, codes: np.ndarray) -> np.ndarray:
        """Indexes of USCCs (bytes, 18 wide), appending those the register lacks."""
        known = np.array(self.uscc[:len(self.pk)], dtype=f"S{USCC_LEN}")
        i = np.searchsorted(known, codes)
        j = np.minimum(i, max(len(known) - 1, 0))
        hit = (i < len(known)) & (known[j] == codes) if len(known) else np.zeros(len(codes), dtype=bool)
        out = np.where(hit, i, -1).astype(np.int32)
        if not hit.all():
            strangers, back = np.unique(codes[~hit], return_inverse=True)
            out[~hit] = len(self.uscc) + back
            self.uscc += [s.decode() for s in strangers]
        return out


# Reading -----------------------------------------------------------------------------

_ROWS_PER_VALUE = 1 << 20  # ids per packed value: a few tens of megabytes each
_SMALLEST_ROW = 38 + 8 + 8  # fixed fields and two numerics of no digits: a bound on the count


def _packed(lo: int, hi: int) -> list[bytes]:
    sql = flow_copy.packed_sql(Flow._meta.db_table, enterprises_in_scope(scope=SYSTEM).model._meta.db_table)
    values = []
    with connection.cursor() as cursor:
        for start in range(lo, hi, _ROWS_PER_VALUE):
            cursor.execute(sql, [start, min(hi, start + _ROWS_PER_VALUE)])
            values.append(bytes(cursor.fetchone()[0] or b""))
    return values


def _columns_postgres(register: Register) -> tuple[np.ndarray, ...]:
    lo, hi = Flow.objects.aggregate(lo=Min("id"), hi=Max("id")).values()
    if lo is None:
        return _columns_any(register)
    hi += 1
    if connection.in_atomic_block:
        # Another connection would not see this transaction's rows: one reader.
        values = _packed(lo, hi)
    else:
        # Two readers (the database packs on two cores), each on its own connection.
        middle = lo + (hi - lo) // 2
        with ThreadPoolExecutor(2) as pool:
            halves = list(pool.map(_reader, [(lo, middle), (middle, hi)]))
        values = halves[0] + halves[1]
    buf = np.frombuffer(b"".join(values), dtype=np.uint8)
    count, pk, ent, chem, day, out, tonnes, cp, milli, cents, text = flow_copy.parse(
        buf, len(buf) // _SMALLEST_ROW + 1)
    pk, ent, chem, day, out, tonnes, cp, milli, cents = (a[:count] for a in (pk, ent, chem, day, out, tonnes, cp,
                                                                           milli, cents))
    grams = np.where(tonnes, milli * 1000, milli)  # thousandths of a tonne or of a kilogram
    index = register.by_pk[np.where(cp >= 0, cp, 0)]
    strangers = np.flatnonzero(cp < 0)
    if len(strangers):
        index[strangers] = register.index(text[:count][strangers].view(f"S{USCC_LEN}").ravel())
    return pk, register.by_pk[ent], out, chem, day, grams, cents, index


def _reader(bounds: tuple[int, int]) -> list[bytes]:
    try:
        return _packed(*bounds)
    finally:
        connection.close()  # this thread's own connection


def _columns_any(register: Register) -> tuple[np.ndarray, ...]:
    rows = Flow.objects.order_by().values_list("id", "enterprise_id", "direction", "chemical_id", "date",
                                               "quantity", "unit", "amount", "counterparty_uscc")
    cols = [[] for _ in range(8)]
    for pk, ent, direction, chem, date, quantity, unit, amount, cp in rows.iterator(chunk_size=5000):
        for col, value in zip(cols, (pk, ent, direction == "out", chem, (date - EPOCH).days,
                                     int(quantity * (1000000 if unit == "t" else 1000)), int(amount * 100),
                                     cp.ljust(USCC_LEN).encode()), strict=True):
            col.append(value)
    types = (np.int64, np.int64, bool, np.int32, np.int32, np.int64, np.int64, f"S{USCC_LEN}")
    pk, ent, out, chem, day, grams, cents, cp = (np.array(col, dtype=t) for col, t in zip(cols, types, strict=True))
    return pk, register.by_pk[ent], out, chem, day, grams, cents, register.index(cp)


def load_rows(register: Register) -> reconcile_sets.Rows:
    columns = _columns_postgres if connection.vendor == "postgresql" else _columns_any
    pk, ent, out, chem, day, grams, cents, cp = columns(register)
    return reconcile_sets.Rows(id=pk, ent=ent, cp=cp, out=out, chem=chem.astype(np.int32), day=day, grams=grams,
                               cents=cents)


def load_licences(register: Register) -> reconcile_sets.Licences:
    """One row per (licence, chemical covered), ALL_LISTED for a licence of every listed one."""
    through = HazchemLicence.chemicals.through
    named: dict[int, list[int]] = {}
    for lic, chem in through.objects.values_list("hazchemlicence_id", "chemical_id").iterator(chunk_size=20000):
        named.setdefault(lic, []).append(chem)
    holder, kind, chem, start, end = [], [], [], [], []
    for pk, ent, k, all_listed, valid_from, valid_to in HazchemLicence.objects.values_list(
            "pk", "enterprise_id", "kind", "all_listed", "valid_from", "valid_to").iterator(chunk_size=20000):
        for c in ([reconcile_sets.ALL_LISTED] if all_listed else []) + named.get(pk, []):
            holder.append(register.by_pk[ent])
            kind.append(reconcile_sets.KIND_CODES[k])
            chem.append(c)
            start.append((valid_from - EPOCH).days)
            end.append((valid_to - EPOCH).days)
    return reconcile_sets.Licences(holder=np.array(holder, dtype=np.int32), kind=np.array(kind, dtype=np.int8),
                                   chem=np.array(chem, dtype=np.int32), start=np.array(start, dtype=np.int32),
                                   end=np.array(end, dtype=np.int32))


def permit_flags() -> np.ndarray:
    """needs_permit[chemical id]."""
    chemicals = list(Chemical.objects.all())
    flags = np.zeros(max((c.pk for c in chemicals), default=0) + 1, dtype=bool)
    for c in chemicals:
        flags[c.pk] = c.requires_use_permit
    return flags


# Findings ------------------------------------------------------------------------------

def _t(grams: int) -> Decimal:
    return Decimal(grams) / Decimal(1000)  # kilograms: the summaries divide by TONNE


def as_finding(f: reconcile_sets.SetFinding, register: Register, chemicals: dict[int, Chemical]) -> reconcile.Finding:
    """The set-based finding as `reconcile` writes it: key, party, evidence, figures, text."""
    party, chem = register.uscc[f.party], chemicals[f.chem]
    kg, gains = _t(f.grams), Decimal(f.cents) / 100
    if f.kind == FindingKind.UNLICENSED_SELLER:
        key = f"unlicensed_seller:{party}:{chem.pk}"
        summary = reconcile.unlicensed_summary(party, chem.name, f.rows, kg, gains)
    elif f.kind == FindingKind.QUANTITY_MISMATCH:
        day, buyer = EPOCH + dt.timedelta(days=f.day), register.uscc[f.buyer]
        key = f"quantity_mismatch:{party}:{buyer}:{chem.pk}:{day.isoformat()}"
        summary = reconcile.mismatch_summary(day, chem.name, buyer, _t(f.out_grams), _t(f.in_grams))
    elif f.kind == FindingKind.USE_OUTSIDE_PERMIT:
        key = f"use_outside_permit:{party}:{chem.pk}"
        summary = reconcile.outside_permit_summary(party, chem.name, f.rows, kg)
    else:
        key = f"many_new_buyers:{party}:{chem.pk}"
        summary = reconcile.new_buyers_summary(party, chem.name, settings.HAZCHEM_NEW_BUYERS_WINDOW_DAYS, f.peak,
                                               f.rows)
    return reconcile.Finding(kind=f.kind, key=key, party_uscc=party, chemical=chem, summary=summary,
                             evidence=f.evidence.tolist(), illegal_gains=gains, quantity_t=kg / reconcile.TONNE)


def findings(timings: dict | None = None) -> list[tuple[reconcile.Finding, int]]:
    """Every finding over the whole database, with the id of the row that triggered it
    last; `timings` (if given) receives the seconds spent reading and reconciling."""
    started = time.perf_counter()
    register = Register.load()
    rows = load_rows(register)
    licences, permits = load_licences(register), permit_flags()
    read = time.perf_counter()
    found = reconcile_sets.reconcile(rows, licences, permits, settings.HAZCHEM_NEW_BUYERS_WINDOW_DAYS,
                                     settings.HAZCHEM_NEW_BUYERS_THRESHOLD)
    chemicals = Chemical.objects.in_bulk({f.chem for f in found})
    result = [(as_finding(f, register, chemicals), f.last_row) for f in found]
    if timings is not None:
        timings.update(read=read - started, reconcile=time.perf_counter() - read, rows=len(rows.id))
    return result
