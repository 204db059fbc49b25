"""The flow rows out of PostgreSQL packed a million to a value, parsed by one compiled loop.

`reconcile_run` reads every row of `hazchem_flow` for the set-based reconciliation. Row
by row (COPY, or a cursor) the client spent microseconds of Python on each of ten
million rows, more than the reconciliation itself; so the database packs each range of
ids into one bytea (each column by its binary send function, `string_agg`), and the
values are unpacked here. Numeric columns travel in their binary form (base-10000
digits) and are scaled here, exactly. The counterparty comes as the register's
enterprise id where its USCC is registered (a join on the USCC in the same query), with
its 18 characters only where it is not.
"""

from __future__ import annotations

import numpy as np
from numba import njit

PG_EPOCH_DAYS = 10957  # 2000-01-01 in days since 1970-01-01
USCC_LEN = 18


def packed_sql(flow_table: str, enterprise_table: str) -> str:
    """One bytea of the rows with lo <= id < hi, in the layout `parse` reads."""
    return ("SELECT string_agg(int8send(f.id) || int8send(f.enterprise_id) || int8send(f.chemical_id) "
            "|| int4send(f.date - DATE '2000-01-01') || boolsend(f.direction = 'out') || boolsend(f.unit = 't') "
            "|| int8send(coalesce(e.id, -1)) || numeric_send(f.quantity) || numeric_send(f.amount) "
            f"|| CASE WHEN e.id IS NULL THEN convert_to(rpad(f.counterparty_uscc, {USCC_LEN}), 'UTF8') "
            "ELSE ''::bytea END, ''::bytea) "
            f"FROM {flow_table} f LEFT JOIN {enterprise_table} e ON e.uscc = f.counterparty_uscc "
            "WHERE f.id >= %s AND f.id < %s")


@njit(cache=True)
def _int(buf, at, size):
    """A big-endian signed integer of `size` bytes."""
    v = 0
    for k in range(size):
        v = (v << 8) | buf[at + k]
    if buf[at] & 0x80:
        v -= 1 << (8 * size)
    return v


@njit(cache=True)
def _scaled(buf, at, places):
    """A numeric (binary form) as an integer of 10**-places units, and the bytes it took.
    Exact for at most `places` decimals (the columns' scale)."""
    ndigits = _int(buf, at, 2)
    weight = _int(buf, at + 2, 2)
    sign = _int(buf, at + 4, 2) & 0xFFFF
    acc = 0
    for i in range(ndigits):
        acc = acc * 10000 + _int(buf, at + 8 + 2 * i, 2)
    exponent = weight - ndigits + 1  # the last digit's power of 10000
    scale = 10 ** places
    while exponent > 0:
        acc *= 10000
        exponent -= 1
    if exponent == 0:
        acc *= scale
    else:
        acc = acc * scale // (10000 ** -exponent)
    return (-acc if sign == 0x4000 else acc), 8 + 2 * ndigits


@njit(cache=True)
def parse(buf, n):
    """Columns of at most `n` packed rows: id, enterprise id, chemical id, day (since
    1970), outbound, in tonnes, counterparty enterprise id (-1: not registered), quantity
    in thousandths, amount in cents, and the USCC bytes where not registered. Returns the
    count first."""
    ids = np.empty(n, np.int64)
    ent = np.empty(n, np.int64)
    chem = np.empty(n, np.int64)
    day = np.empty(n, np.int32)
    out = np.empty(n, np.bool_)
    tonnes = np.empty(n, np.bool_)
    cp = np.empty(n, np.int64)
    milli = np.empty(n, np.int64)
    cents = np.empty(n, np.int64)
    text = np.zeros((n, USCC_LEN), np.uint8)
    at, count = 0, 0
    while at < len(buf):
        ids[count] = _int(buf, at, 8)
        ent[count] = _int(buf, at + 8, 8)
        chem[count] = _int(buf, at + 16, 8)
        day[count] = _int(buf, at + 24, 4) + PG_EPOCH_DAYS
        out[count] = buf[at + 28] != 0
        tonnes[count] = buf[at + 29] != 0
        cp[count] = _int(buf, at + 30, 8)
        at += 38
        milli[count], size = _scaled(buf, at, 3)
        at += size
        cents[count], size = _scaled(buf, at, 2)
        at += size
        if cp[count] < 0:
            for k in range(USCC_LEN):
                text[count, k] = buf[at + k]
            at += USCC_LEN
        count += 1
    return count, ids, ent, chem, day, out, tonnes, cp, milli, cents, text
