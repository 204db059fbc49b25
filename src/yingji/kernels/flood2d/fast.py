"""Fast numba kernel of the local-inertial step (淹没模拟快速内核).

The same scheme as :mod:`yingji.kernels.flood2d.reference` (Bates et al. 2010,
doi:10.1016/j.jhydrol.2010.03.027; de Almeida et al. 2012,
doi:10.1029/2011WR011570), split into row-parallel passes:

1. ``new_faces``: interior faces from the old discharges into a buffer (a face
   reads its θ-neighbours and, for LISFLOOD-FP's 2-D friction, the four faces
   across it), then ``commit_faces`` copies them back;
2. ``_boundary_faces``: the few open domain-edge faces, serially;
3. ``outflow_factor``: cells whose outflow exceeds their water get a factor
   f < 1 (rare; flagged per row);
4. ``scale_faces``: only rows next to a flagged row scale their faces;
5. ``continuity``: new depths, the inundation statistics, and each row's wet
   span, from which the next step's work ranges are built.

Work is limited to rows and column ranges within one cell of water (or of a
cell a source or an edge can wet this step), so NODATA and dry cells that
cannot wet this step cost nothing. Faces outside those ranges are exactly zero
in the reference too, so both agree to rounding (and skipping changes no bit
against a full sweep).

Speed comes from vectorisation: each pass's inner loop over a row is written
without branches (selects, integer reductions) and without libm calls — the
friction's h^(7/3) is y^-7 with y = h^(-1/3) from :func:`_inv_cbrt` — so LLVM
turns it into AVX-512 code; a fully wet cell costs about 6 ns on one core,
against 40 ns with ``pow``. Storage may be float32 or float64; arithmetic is
in float64.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import njit, prange
from numba import types as nt
from numba.extending import intrinsic

FREE, STAGE, INFLOW = 0, 1, 2


@intrinsic
def _float_bits(typingctx, x):
    """The IEEE-754 bits of a float64 as an int64 (an LLVM bitcast, so loops stay vectorisable)."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.IntType(64))
    return nt.int64(nt.float64), codegen


@intrinsic
def _bits_float(typingctx, i):
    """The float64 whose IEEE-754 bits are the int64 ``i``."""
    def codegen(context, builder, signature, args):
        return builder.bitcast(args[0], ir.DoubleType())
    return nt.float64(nt.int64), codegen


@njit(cache=True, inline="always")
def _inv_cbrt(x):
    """x^(−1/3) for x > 0, to about 1 ulp.

    libm's ``pow`` is a scalar call (~20 ns) that keeps the face loop from
    vectorising, and it was 90 % of a fully wet step. A bit-level first guess
    (exponent divided by −3, Moroz et al. 2021, doi:10.3390/computation9020021)
    and four Newton steps y ← y·(4 − x·y³)/3 (each squares the relative error:
    3e-2 → 3e-3 → 2e-5 → 1e-9 → 1e-16) are plain multiply-adds.
    """
    y = _bits_float(np.int64(0x553EF0FF289DD796) - np.int64(np.float64(_float_bits(x)) * (1.0 / 3.0)))
    y = y * (4.0 - x * (y * y * y)) * (1.0 / 3.0)
    y = y * (4.0 - x * (y * y * y)) * (1.0 / 3.0)
    y = y * (4.0 - x * (y * y * y)) * (1.0 / 3.0)
    return y * (4.0 - x * (y * y * y)) * (1.0 / 3.0)


@njit(cache=True, inline="always")
def _face_flux(h_a, z_a, h_b, z_b, open_, q, q_avg, q_cross, n_face, g, dt, dx, eps):
    """The reference's ``face_flux`` without branches, so that a row of faces vectorises.

    ``open_``: both cells active; ``q_avg``: θ-weighted old discharge (q when θ = 1);
    ``q_cross``: mean of the four old discharges across the other axis around the
    face (0 for 1-D friction). 1/h_f^(7/3) is y^7 with y = h_f^(−1/3): equal to rounding.
    """
    eta_a = z_a + h_a
    eta_b = z_b + h_b
    h_f = max(eta_a, eta_b) - max(z_a, z_b)
    wet = open_ & (h_f > eps)
    h_s = float(h_f) if wet else 1.0
    push = g * h_s * dt * (eta_b - eta_a) / dx
    y = _inv_cbrt(h_s)
    y2 = y * y
    den = 1.0 + g * dt * n_face * n_face * np.sqrt(q * q + q_cross * q_cross) * (y2 * y2 * y2 * y)
    q_new = (q_avg - push) / den
    # LISFLOOD-FP's guard for θ < 1: a θ-averaged discharge flowing up the water surface
    # slope falls back to the semi-implicit one (identical when θ = 1)
    q_new = (q - push) / den if q_new * (eta_a - eta_b) < 0.0 else q_new
    return q_new if wet else 0.0


@njit(cache=True, inline="always")
def _face_line(h_a, z_a, a_a, h_b, z_b, a_b, q, q_prev, q_next, c1, c2, c3, c4, n_a, n_b, n0, theta, cross,
               g, dt, dx, eps, out, m):
    """New discharges of m faces between cells (·_a[j], ·_b[j]) into ``out``, from old arrays only.

    ``q_prev``/``q_next``: old discharges of the faces before and after along the
    axis (θ-average); ``c1``..``c4``: the four old faces across the other axis
    around each face, weighted by ``cross`` (¼ for 2-D friction, 0 for 1-D).
    Two loops (uniform or per-cell n), each a straight run LLVM vectorises.
    """
    c = 0.5 * (1.0 - theta)
    if n_a.shape[0] == 0:
        for j in range(m):
            qo = q[j]
            out[j] = _face_flux(h_a[j], z_a[j], h_b[j], z_b[j], a_a[j] & a_b[j], qo,
                                theta * qo + c * (q_prev[j] + q_next[j]),
                                cross * ((c1[j] + c2[j]) + (c3[j] + c4[j])), n0, g, dt, dx, eps)
    else:
        for j in range(m):
            qo = q[j]
            out[j] = _face_flux(h_a[j], z_a[j], h_b[j], z_b[j], a_a[j] & a_b[j], qo,
                                theta * qo + c * (q_prev[j] + q_next[j]),
                                cross * ((c1[j] + c2[j]) + (c3[j] + c4[j])), 0.5 * (n_a[j] + n_b[j]),
                                g, dt, dx, eps)


def _new_faces(h, z, active, qx, qy, qx_new, qy_new, n, theta, cross, g, dt, dx, eps, rows, c0, c1):
    """New interior discharges of the worked rows into ``qx_new``/``qy_new``; ``qx``/``qy`` are only read.

    Row i computes its x-faces and its north y-faces. Every face reads old
    discharges only (its θ-neighbours and, for 2-D friction, the cross faces of
    rows i−1..i+1), so rows are independent; :func:`_commit_faces` then copies
    the new values back.
    """
    nx = h.shape[1]
    uniform = n.shape[0] == 1 and n.shape[1] == 1
    n0 = 0.5 * (n[0, 0] + n[0, 0])
    for k in prange(rows.shape[0]):
        i = rows[k]
        fa = max(c0[i], 1)
        fb = min(c1[i] + 1, nx - 1)
        n_a = n[i, fa - 1:fb] if not uniform else n[0, :0]
        n_b = n[i, fa:fb + 1] if not uniform else n[0, :0]
        # x-face j lies between cells j−1 and j; its cross faces are the north and
        # south faces of both: qy[i, j−1], qy[i, j], qy[i+1, j−1], qy[i+1, j]
        _face_line(h[i, fa - 1:], z[i, fa - 1:], active[i, fa - 1:], h[i, fa:], z[i, fa:], active[i, fa:],
                   qx[i, fa:], qx[i, fa - 1:], qx[i, fa + 1:],
                   qy[i, fa - 1:], qy[i, fa:], qy[i + 1, fa - 1:], qy[i + 1, fa:],
                   n_a, n_b, n0, theta, cross, g, dt, dx, eps, qx_new[i, fa:], fb - fa + 1)
        if i >= 1:
            a = c0[i]
            b = c1[i] + 1
            n_a = n[i - 1, a:b] if not uniform else n[0, :0]
            n_b = n[i, a:b] if not uniform else n[0, :0]
            # y-face (i, j) lies between rows i−1 and i; its cross faces are the west
            # and east faces of both: qx[i−1, j], qx[i−1, j+1], qx[i, j], qx[i, j+1]
            _face_line(h[i - 1, a:], z[i - 1, a:], active[i - 1, a:], h[i, a:], z[i, a:], active[i, a:],
                       qy[i, a:], qy[i - 1, a:], qy[i + 1, a:],
                       qx[i - 1, a:], qx[i - 1, a + 1:], qx[i, a:], qx[i, a + 1:],
                       n_a, n_b, n0, theta, cross, g, dt, dx, eps, qy_new[i, a:], b - a)


def _commit_faces(qx, qy, qx_new, qy_new, rows, c0, c1):
    """Copy the faces :func:`_new_faces` computed back into ``qx``/``qy``."""
    nx = qx.shape[1] - 1
    for k in prange(rows.shape[0]):
        i = rows[k]
        for j in range(max(c0[i], 1), min(c1[i] + 1, nx - 1) + 1):
            qx[i, j] = qx_new[i, j]
        if i >= 1:
            for j in range(c0[i], c1[i] + 1):
                qy[i, j] = qy_new[i, j]


@njit(cache=True)
def _boundary_inflow(kind, value, h, z, n, q_in_old, g, dt, dx, eps):
    if kind == INFLOW:
        return value
    if kind == FREE:
        if h <= eps:
            return 0.0
        q_out_old = -q_in_old
        q_out = (q_out_old + g * h * dt * value) / (1.0 + g * dt * n * n * abs(q_out_old) / h ** (7.0 / 3.0))
        return -q_out
    if kind == STAGE:
        eta = z + h
        h_f = max(eta, value) - z
        if h_f <= eps:
            return 0.0
        return (q_in_old + g * h_f * dt * (value - eta) / dx) / (
            1.0 + g * dt * n * n * abs(q_in_old) / h_f ** (7.0 / 3.0))
    return 0.0


@njit(cache=True)
def _edge_face(side, idx, ny, nx):
    """(cell row, cell col, face row, face col, sign, is_x) for one edge face."""
    if side == 0:
        return idx, 0, idx, 0, 1.0, True
    if side == 1:
        return idx, nx - 1, idx, nx, -1.0, True
    if side == 2:
        return 0, idx, 0, idx, 1.0, False
    return ny - 1, idx, ny, idx, -1.0, False


@njit(cache=True)
def _boundary_faces(h, z, n, qx, qy, side, index, kind, values, g, dt, dx, eps):
    ny, nx = h.shape
    for k in range(side.shape[0]):
        i, j, fi, fj, s, is_x = _edge_face(side[k], index[k], ny, nx)
        nn = n[0, 0] if (n.shape[0] == 1 and n.shape[1] == 1) else n[i, j]
        q_old = qx[fi, fj] if is_x else qy[fi, fj]
        q_in = _boundary_inflow(kind[k], values[k], h[i, j], z[i, j], nn, s * q_old, g, dt, dx, eps)
        if is_x:
            qx[fi, fj] = s * q_in
        else:
            qy[fi, fj] = s * q_in


@njit(cache=True)
def _boundary_volumes(qx, qy, side, index, dt, dx):
    ny, nx = qy.shape[0] - 1, qx.shape[1] - 1
    v_in = 0.0
    v_out = 0.0
    for k in range(side.shape[0]):
        _, _, fi, fj, s, is_x = _edge_face(side[k], index[k], ny, nx)
        q_in = s * (qx[fi, fj] if is_x else qy[fi, fj])
        if q_in > 0.0:
            v_in += q_in * dx * dt
        else:
            v_out -= q_in * dx * dt
    return v_in, v_out


def _outflow_factor(h, active, qx, qy, rain_rate, rain_field, dt, dx, f, flagged, rows, c0, c1):
    """Set f < 1 on worked cells whose outflow this step exceeds their water; flag their rows.

    ``f`` is 1 elsewhere and is reset to 1 after use (:func:`_reset_factor`),
    so the common case (nothing limited) writes nothing.
    """
    uniform = rain_field.shape[0] == 1 and rain_field.shape[1] == 1
    for k in prange(rows.shape[0]):
        i = rows[k]
        a = c0[i]
        m = c1[i] - a + 1
        if uniform:
            flagged[i] = _limit_line(h[i, a:], active[i, a:], qx[i, a:], qx[i, a + 1:], qy[i, a:], qy[i + 1, a:],
                                     rain_rate * rain_field[0, 0], rain_field[0, :0], dt, dx, f[i, a:], m)
        else:
            flagged[i] = _limit_line(h[i, a:], active[i, a:], qx[i, a:], qx[i, a + 1:], qy[i, a:], qy[i + 1, a:],
                                     rain_rate, rain_field[i, a:], dt, dx, f[i, a:], m)


@njit(cache=True, inline="always")
def _limit_line(h, active, q_w, q_e, q_n, q_s, rain, rain_field, dt, dx, f, m):
    """One row's outflow factors (reference ``outflow_factor``); True if any is < 1."""
    any_limited = False
    for j in range(m):
        r = rain if rain_field.shape[0] == 0 else rain * rain_field[j]
        out = (max(-q_w[j], 0.0) + max(q_e[j], 0.0) + max(-q_n[j], 0.0) + max(q_s[j], 0.0)) * dt / dx
        avail = h[j] + dt * r
        limited = active[j] & (out > avail) & (out > 0.0)
        if limited:
            f[j] = max(avail, 0.0) / out
        any_limited |= limited
    return any_limited


def _scale_faces(qx, qy, f, rows, c0, c1):
    """Scale faces of the given rows by the factor of the cell each face leaves.

    Row i owns its x-faces and its north y-faces (and the south edge if last),
    so rows run in parallel; f is only read.
    """
    ny, nx = f.shape
    for k in prange(rows.shape[0]):
        i = rows[k]
        a = c0[i]
        b = c1[i]
        fa = max(a, 1)
        fb = min(b + 1, nx - 1)
        _scale_line(qx[i, fa:], f[i, fa - 1:], f[i, fa:], fb - fa + 1)
        if a == 0 and qx[i, 0] <= 0.0:  # west edge: only outflow leaves a cell of the grid
            qx[i, 0] = qx[i, 0] * f[i, 0]
        if b == nx - 1 and qx[i, nx] > 0.0:
            qx[i, nx] = qx[i, nx] * f[i, nx - 1]
        if i >= 1:
            _scale_line(qy[i, a:], f[i - 1, a:], f[i, a:], b - a + 1)
        else:
            for j in range(a, b + 1):
                if qy[0, j] <= 0.0:
                    qy[0, j] = qy[0, j] * f[0, j]
        if i == ny - 1:
            for j in range(a, b + 1):
                if qy[ny, j] > 0.0:
                    qy[ny, j] = qy[ny, j] * f[i, j]


@njit(cache=True, inline="always")
def _scale_line(q, f_before, f_after, m):
    """q[j] times the factor of the cell it leaves: f_before[j] if it flows forward, else f_after[j]."""
    for j in range(m):
        qj = q[j]
        q[j] = qj * (f_before[j] if qj > 0.0 else f_after[j])


def _reset_factor(f, rows, c0, c1):
    for k in prange(rows.shape[0]):
        i = rows[k]
        for j in range(c0[i], c1[i] + 1):
            f[i, j] = 1.0


def _continuity(h, active, qx, qy, rain_rate, rain_field, dt, dx, t_end, threshold,
                h_max, t_first, duration, lo, hi, row_hmax, rows, c0, c1):
    """New depths of the worked cells, their inundation statistics, and each row's wet span and top depth."""
    uniform = rain_field.shape[0] == 1 and rain_field.shape[1] == 1
    for k in prange(rows.shape[0]):
        i = rows[k]
        a = c0[i]
        m = c1[i] - a + 1
        if uniform:
            r_lo, r_hi, r_max = _continuity_line(
                h[i, a:], active[i, a:], qx[i, a:], qx[i, a + 1:], qy[i, a:], qy[i + 1, a:],
                rain_rate * rain_field[0, 0], rain_field[0, :0], dt, dx, t_end, threshold,
                h_max[i, a:], t_first[i, a:], duration[i, a:], m)
        else:
            r_lo, r_hi, r_max = _continuity_line(
                h[i, a:], active[i, a:], qx[i, a:], qx[i, a + 1:], qy[i, a:], qy[i + 1, a:],
                rain_rate, rain_field[i, a:], dt, dx, t_end, threshold,
                h_max[i, a:], t_first[i, a:], duration[i, a:], m)
        lo[i] = a + r_lo if r_hi >= 0 else h.shape[1]
        hi[i] = a + r_hi if r_hi >= 0 else -1
        row_hmax[i] = r_max


@njit(cache=True, inline="always")
def _continuity_line(h, active, q_w, q_e, q_n, q_s, rain, rain_field, dt, dx, t_end, threshold,
                     h_max, t_first, duration, m):
    """One row of the reference ``continuity`` plus max depth, arrival time and duration.

    Returns the first and last column (relative, −1 if none) with water and the
    row's largest depth. Written without branches (selects and reductions) so
    that it vectorises; inactive cells keep h = 0 and so are never wet.
    """
    r_lo = m
    r_hi = -1
    # the row's top depth as the max of the IEEE bits: for h ≥ 0 they order as the
    # numbers do (and h < 0 reads as a negative integer), and an integer max
    # vectorises where a float max without fast-math does not
    top_bits = 0
    for j in range(m):
        r = rain if rain_field.shape[0] == 0 else rain * rain_field[j]
        dh = dt * ((q_w[j] - q_e[j]) + (q_n[j] - q_s[j])) / dx + dt * r
        hn = h[j] + dh if active[j] else h[j]
        h[j] = hn
        hn = h[j]  # as stored (float32 storage rounds)
        wet = hn > 0.0
        r_lo = min(r_lo, j if wet else m)
        r_hi = max(r_hi, j if wet else -1)
        top_bits = max(top_bits, _float_bits(float(hn)))
        h_max[j] = max(h_max[j], hn)
        flooded = hn > threshold
        t_first[j] = t_end if flooded and t_first[j] < 0.0 else t_first[j]
        duration[j] += dt if flooded else 0.0
    return r_lo, r_hi, _bits_float(top_bits)


# Row-parallel passes. There are no serial twins: only numba's parallel
# lowering marks the arrays of a loop body as not aliasing one another, and
# without that LLVM leaves the face loop scalar (7x slower). Small wet areas
# run these on one thread instead (see ``NumbaEngine.parallel_min_cells``).
new_faces = njit(parallel=True, cache=True)(_new_faces)
commit_faces = njit(parallel=True, cache=True)(_commit_faces)
outflow_factor = njit(parallel=True, cache=True)(_outflow_factor)
continuity = njit(parallel=True, cache=True)(_continuity)
scale_faces = njit(parallel=True, cache=True)(_scale_faces)
reset_factor = njit(parallel=True, cache=True)(_reset_factor)


@njit(cache=True)
def _work_ranges(lo, hi, nx, full, c0, c1):
    """Rows with work and their column range: wet spans of rows i−1..i+1, widened by one."""
    ny = lo.shape[0]
    rows = np.empty(ny, np.int64)
    m = 0
    cells = 0
    for i in range(ny):
        if full:
            a, b = 0, nx - 1
        else:
            a = nx
            b = -1
            for r in range(max(i - 1, 0), min(i + 2, ny)):
                if hi[r] >= 0:
                    a = min(a, lo[r] - 1)
                    b = max(b, hi[r] + 1)
            a = max(a, 0)
            b = min(b, nx - 1)
        c0[i] = a
        c1[i] = b
        if a <= b:
            rows[m] = i
            m += 1
            cells += b - a + 1
    return rows[:m], cells


@njit(cache=True)
def _limited_rows(flagged, rows):
    """Rows next to (or in) a row where some outflow was limited."""
    ny = flagged.shape[0]
    out = np.empty(rows.shape[0], np.int64)
    m = 0
    for k in range(rows.shape[0]):
        i = rows[k]
        if flagged[i] or (i > 0 and flagged[i - 1]) or (i < ny - 1 and flagged[i + 1]):
            out[m] = i
            m += 1
    return out[:m]


@njit(cache=True)
def _mark_cells(lo, hi, cells):
    for k in range(cells.shape[0]):
        r, c = cells[k, 0], cells[k, 1]
        lo[r] = min(lo[r], c)
        hi[r] = max(hi[r], c)


@njit(cache=True)
def _add_sources(h, cells, rates, dt, dx):
    for k in range(cells.shape[0]):
        h[cells[k, 0], cells[k, 1]] += dt * rates[k] / (dx * dx)


@njit(cache=True)
def _interp_rows(times, values, lengths, t, out):
    """out[k] = np.interp(t, times[k, :n_k], values[k, :n_k]) for every row k."""
    for k in range(times.shape[0]):
        n = lengths[k]
        out[k] = np.interp(t, times[k, :n], values[k, :n])
