"""Set-based reconciliation: the rules of `reconcile` over every flow row at once.

`reconcile` answers one recording, reading the seller's rows through the ORM; a nightly
run over millions of rows cannot go row by row. Here the rows are columns (numpy
arrays), sorted once by (seller, chemical, buyer, day), and each rule is a handful of
segment reductions. No Django: `reconcile_run` reads the database into `Rows` and
writes the findings as work orders. Amounts are integer cents and quantities integer
grams, so sums are exact and equal the per-row path's Decimals.

What a finding says is a function of all rows (see `reconcile`), so the set-based
findings equal those the per-row path leaves after the same rows arrive one by one:
`tests/hazchem/test_reconcile_sets.py` checks that, `benchmarks/hazchem_reconcile.py`
at ten million rows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# Licence kinds as small integers in `Licences.kind`.
KIND_CODES = {"production": 0, "trading": 1, "use": 2}
SELLING = (KIND_CODES["trading"], KIND_CODES["production"])
USING = (KIND_CODES["use"], KIND_CODES["production"], KIND_CODES["trading"])
ALL_LISTED = 0  # `Licences.chem` of a licence covering every listed chemical (chemical ids start at 1)


@dataclass
class Rows:
    """The flow rows as columns; enterprises by their index into `uscc`."""

    id: np.ndarray  # int64
    ent: np.ndarray  # int32: the recording enterprise
    cp: np.ndarray  # int32: the counterparty
    out: np.ndarray  # bool: an outbound (sale) row
    chem: np.ndarray  # int32: chemical id
    day: np.ndarray  # int32: days since 1970-01-01
    grams: np.ndarray  # int64
    cents: np.ndarray  # int64


@dataclass
class Licences:
    holder: np.ndarray  # int32: index into `uscc`
    kind: np.ndarray  # int8: KIND_CODES
    chem: np.ndarray  # int32: chemical id, or ALL_LISTED
    start: np.ndarray  # int32: days since 1970
    end: np.ndarray  # int32


@dataclass
class SetFinding:
    kind: str
    party: int  # index into `uscc`
    chem: int
    evidence: np.ndarray  # flow ids, ascending
    cents: int = 0
    grams: int = 0
    buyer: int = -1  # quantity mismatch: the buyer
    day: int = 0  # quantity mismatch: the day
    out_grams: int = 0
    in_grams: int = 0
    rows: int = 0  # rows counted (the summaries say how many)
    peak: int = 0  # many new buyers: the most new buyers in one window
    last_row: int = 0  # the latest row that triggered it: its recorder's region takes a party the register lacks


def _starts(keys: np.ndarray) -> np.ndarray:
    """Indexes where a sorted key array begins a new run."""
    if not len(keys):
        return np.zeros(0, dtype=np.int64)
    return np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1])))


def _distinct(values: np.ndarray) -> np.ndarray:
    """Sorted distinct values (np.unique hashes first, slower at millions)."""
    values = np.sort(values)
    return values[_starts(values)]


def _split(values: np.ndarray, starts: np.ndarray) -> list[np.ndarray]:
    return np.split(values, starts[1:]) if len(starts) else []


class Coverage:
    """Whether (holder, chemical, day) falls within a licence of some kinds; the
    licences of one (holder, chemical) merged into a running maximum of their ends."""

    def __init__(self, lic: Licences, kinds: tuple[int, ...], width: int):
        keep = np.isin(lic.kind, kinds)
        self.width = width
        key = lic.holder[keep].astype(np.int64) * width + lic.chem[keep]
        start, end = lic.start[keep].astype(np.int64), lic.end[keep].astype(np.int64)
        order = np.lexsort((start, key))
        self.key, self.start = key[order], start[order]
        # Running maximum of the ends within each key: offset by the key so one key's
        # ends never carry into the next (starts and ends are below 2**20 days).
        self.reach = np.maximum.accumulate(self.key * (1 << 20) + end[order]) - self.key * (1 << 20)
        self.composite = self.key * (1 << 20) + self.start

    def _one(self, key: np.ndarray, day: np.ndarray) -> np.ndarray:
        if not len(self.key):
            return np.zeros(len(key), dtype=bool)
        probe = key * (1 << 20) + day
        i = np.searchsorted(self.composite, probe, side="right") - 1
        j = np.maximum(i, 0)
        return (i >= 0) & (self.key[j] == key) & (self.reach[j] >= day)

    def __call__(self, holder: np.ndarray, chem: np.ndarray, day: np.ndarray) -> np.ndarray:
        holder, day = holder.astype(np.int64), day.astype(np.int64)
        return self._one(holder * self.width + chem, day) | self._one(holder * self.width + ALL_LISTED, day)


def reconcile(rows: Rows, lic: Licences, needs_permit: np.ndarray, window: int, threshold: int) -> list[SetFinding]:
    """Every finding of `reconcile`'s rules over all the rows. `needs_permit[chem]` says
    whether a chemical id needs a use permit."""
    if not len(rows.id):
        return []
    width = int(max(rows.chem.max(), lic.chem.max() if len(lic.chem) else 0)) + 1
    seller = np.where(rows.out, rows.ent, rows.cp).astype(np.int64)
    buyer = np.where(rows.out, rows.cp, rows.ent).astype(np.int64)
    chem, day = rows.chem.astype(np.int64), rows.day.astype(np.int64)
    # One int64 key per row: seller | chemical | buyer | day (the widest an ordering needs),
    # enterprises numbered densely among those that trade (the register may hold millions).
    present = np.zeros(int(max(seller.max(), buyer.max())) + 1, dtype=bool)
    present[seller] = present[buyer] = True
    dense = np.cumsum(present) - 1
    n_ent = int(dense[-1]) + 1
    day0 = int(day.min()) - window - 1
    d = day - day0
    day_span = int(d.max()) + window + 2
    if n_ent * n_ent * width * day_span >= 1 << 62:
        raise ValueError("too many trading enterprises, chemicals or days for one key")
    sc = dense[seller] * width + chem
    scb = sc * n_ent + dense[buyer]
    key = scb * day_span + d
    order = np.argsort(key)  # rows of one group in any order: no rule reads it
    key, sc, scb, d = key[order], sc[order], scb[order], d[order]
    ids, out, grams, cents = rows.id[order], rows.out[order], rows.grams[order], rows.cents[order]
    seller_s, buyer_s, chem_s = seller[order], buyer[order], chem[order]

    # Sales: one (seller, chemical, buyer, day) group; the seller's rows count where it has any.
    g = _starts(key)
    g_rows = np.diff(np.append(g, len(key)))
    group_of = np.repeat(np.arange(len(g)), g_rows)
    g_out = np.add.reduceat(out.astype(np.int64), g) > 0
    counted = out == g_out[group_of]
    g_day = d[g] + day0
    g_uncovered = ~Coverage(lic, SELLING, width)(seller_s[g], chem_s[g], g_day)

    found: list[SetFinding] = []
    found += _unlicensed(sc, ids, grams, cents, counted & g_uncovered[group_of], g_uncovered[group_of],
                         seller_s, chem_s)
    found += _mismatches(g, g_rows, out, grams, ids, seller_s, buyer_s, chem_s, g_day)
    found += _outside_permit(rows, needs_permit, Coverage(lic, USING, width), width)
    found += _new_buyers(g, scb, sc, d, day_span, counted, ids, group_of, seller_s, chem_s, window, threshold)
    return found


def _unlicensed(sc, ids, grams, cents, counted, triggers, seller, chem) -> list[SetFinding]:
    """Per (seller, chemical): the counted rows on unlicensed days (rows are sorted by sc)."""
    rows = np.flatnonzero(counted)
    starts = _starts(sc[rows])
    cents_sum = np.add.reduceat(cents[rows], starts) if len(rows) else []
    grams_sum = np.add.reduceat(grams[rows], starts) if len(rows) else []
    trig = np.flatnonzero(triggers)
    last = _max_by(sc[trig], ids[trig])
    out = []
    for k, (s, evidence) in enumerate(zip(starts, _split(ids[rows], starts), strict=True)):
        r = rows[s]
        out.append(SetFinding("unlicensed_seller", party=int(seller[r]), chem=int(chem[r]),
                              evidence=np.sort(evidence), cents=int(cents_sum[k]), grams=int(grams_sum[k]),
                              rows=len(evidence), last_row=last[int(sc[r])]))
    return out


def _max_by(keys: np.ndarray, values: np.ndarray) -> dict[int, int]:
    """{key: the largest value}, for unsorted keys."""
    if not len(keys):
        return {}
    order = np.lexsort((values, keys))
    keys, values = keys[order], values[order]
    ends = np.append(_starts(keys)[1:], len(keys)) - 1
    return dict(zip(keys[ends].tolist(), values[ends].tolist(), strict=True))


def _mismatches(g, g_rows, out, grams, ids, seller, buyer, chem, g_day) -> list[SetFinding]:
    """Groups where both sides recorded the day and their quantities differ."""
    out_grams = np.add.reduceat(np.where(out, grams, 0), g)
    in_grams = np.add.reduceat(np.where(out, 0, grams), g)
    bad = np.flatnonzero((out_grams > 0) & (in_grams > 0) & (out_grams != in_grams))
    found = []
    for k in bad:
        s, n = g[k], g_rows[k]
        found.append(SetFinding("quantity_mismatch", party=int(seller[s]), chem=int(chem[s]), buyer=int(buyer[s]),
                                day=int(g_day[k]), evidence=np.sort(ids[s:s + n]), grams=abs(int(out_grams[k]) -
                                int(in_grams[k])), out_grams=int(out_grams[k]), in_grams=int(in_grams[k]),
                                rows=int(n), last_row=int(ids[s:s + n].max())))
    return found


def _outside_permit(rows: Rows, needs_permit: np.ndarray, using: Coverage, width: int) -> list[SetFinding]:
    """Per (buyer, chemical): its own inbound rows of a permit chemical on unlicensed days."""
    pick = np.flatnonzero(~rows.out & needs_permit[rows.chem])
    pick = pick[~using(rows.ent[pick], rows.chem[pick], rows.day[pick])]
    if not len(pick):
        return []
    bc = rows.ent[pick].astype(np.int64) * width + rows.chem[pick]
    order = np.argsort(bc, kind="stable")
    pick, bc = pick[order], bc[order]
    starts = _starts(bc)
    grams = np.add.reduceat(rows.grams[pick], starts)
    found = []
    for k, (s, members) in enumerate(zip(starts, _split(pick, starts), strict=True)):
        evidence = np.sort(rows.id[members])
        found.append(SetFinding("use_outside_permit", party=int(rows.ent[pick[s]]), chem=int(rows.chem[pick[s]]),
                                evidence=evidence, grams=int(grams[k]), rows=len(members),
                                last_row=int(evidence[-1])))
    return found


def _new_buyers(g, scb, sc, d, day_span, counted, ids, group_of, seller, chem, window, threshold) -> list[SetFinding]:
    """Per (seller, chemical): sale days with `threshold` first purchases in the window
    ending that day, and every buyer whose first purchase such a day counted."""
    # Each (seller, chemical, buyer)'s first group is its first day (groups sort by day).
    pair_first = g[_starts(scb[g])]
    first_day = d[pair_first]
    first_sc = sc[pair_first]
    # The first group's lowest counted row id.
    first_group = group_of[pair_first]
    counted_ids = np.where(counted, ids, np.iinfo(np.int64).max)
    group_min = np.minimum.reduceat(counted_ids, g)
    first_row = group_min[first_group]
    starts = first_sc * day_span + first_day  # each pair's (sc, first day); in scb order, sorted below
    starts_sorted = np.sort(starts)
    # Candidate days: the distinct (sc, day) of the groups.
    cand = _distinct(sc[g] * day_span + d[g])
    count = np.searchsorted(starts_sorted, cand, side="right") - np.searchsorted(starts_sorted, cand - window,
                                                                                  side="right")
    hit = count >= threshold
    trig = cand[hit]
    if not len(trig):
        return []
    peak = _max_by(trig // day_span, count[hit])
    # A buyer is new on some triggering day d when its first day f has f <= d < f + window.
    i = np.searchsorted(trig, starts, side="left")
    j = np.minimum(i, len(trig) - 1)
    member = (i < len(trig)) & (trig[j] < starts + window)
    # The latest row on a triggering day (any buyer) triggered it last.
    row_cand = sc * day_span + d
    k = np.minimum(np.searchsorted(trig, row_cand), len(trig) - 1)
    on_trig = trig[k] == row_cand
    last = _max_by(sc[on_trig], ids[on_trig])
    found = []
    msc = first_sc[member]
    order = np.argsort(msc, kind="stable")
    msc, rows_first = msc[order], first_row[member][order]
    where = pair_first[member][order]
    for s, evidence in zip(_starts(msc), _split(rows_first, _starts(msc)), strict=True):
        r = where[s]
        key = int(msc[s])
        found.append(SetFinding("many_new_buyers", party=int(seller[r]), chem=int(chem[r]),
                                evidence=np.sort(evidence), rows=len(evidence), peak=int(peak[key]),
                                last_row=last[key]))
    return found
