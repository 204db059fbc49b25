"""Fast numba kernel of the local-inertial step (淹没模拟快速内核).

The same scheme as :mod:`yingji.kernels.flood2d.reference` (Bates et al. 2010,
doi:10.1016/j.jhydrol.2010.03.027; de Almeida et al. 2012,
doi:10.1029/2011WR011570), split into row-parallel passes:

1. ``_update_faces``: interior faces from the old state (qx in place, carrying
   the old west neighbour in a scalar; qy reads its θ-neighbours from a copy);
2. ``_boundary_faces``: the few open domain-edge faces, serially;
3. ``_outflow_factor``: cells whose outflow exceeds their water get a factor
   f < 1 (rare; flagged per row);
4. ``_scale_faces``: only rows next to a flagged row scale their faces;
5. ``_continuity``: new depths, the inundation statistics, and each row's wet
   span, from which the next step's work ranges are built.

Work is limited to rows and column ranges within one cell of water (or of a
cell a source or an edge can wet this step), so NODATA and dry cells that
cannot wet this step cost nothing. Faces outside those ranges are exactly zero
in the reference too, so both agree to rounding. Passes 1, 3 and 5 come as
twins (``update_faces[0]`` parallel, ``[1]`` serial): small wet areas run
serially, because a parallel region's thread hand-off then costs more than
the work. Storage may be float32 or float64; arithmetic is in float64.
"""

from __future__ import annotations

import types

import numpy as np
from numba import njit, prange

FREE, STAGE, INFLOW = 0, 1, 2


@njit(cache=True, inline="always")
def _face_flux(h_a, z_a, h_b, z_b, q, q_left, q_right, n_face, theta, g, dt, dx, eps):
    eta_a = z_a + h_a
    eta_b = z_b + h_b
    h_f = max(eta_a, eta_b) - max(z_a, z_b)
    if h_f <= eps:
        return 0.0
    q_avg = theta * q + 0.5 * (1.0 - theta) * (q_left + q_right)
    num = q_avg - g * h_f * dt * (eta_b - eta_a) / dx
    if q == 0.0:
        return num  # no friction from a still face: skip the costly h^(7/3)
    den = 1.0 + g * dt * n_face * n_face * abs(q) / h_f ** (7.0 / 3.0)
    return num / den


@njit(cache=True, inline="always")
def _n_face(n, i0, j0, i1, j1):
    if n.shape[0] == 1 and n.shape[1] == 1:
        return 0.5 * (n[0, 0] + n[0, 0])
    return 0.5 * (n[i0, j0] + n[i1, j1])


@njit(cache=True, inline="always")
def _rain_at(rain_rate, rain_field, i, j):
    if rain_field.shape[0] == 1 and rain_field.shape[1] == 1:
        return rain_rate * rain_field[0, 0]
    return rain_rate * rain_field[i, j]


def _update_faces(h, z, active, qx, qy, qy_old, n, theta, g, dt, dx, eps, rows, c0, c1):
    nx = h.shape[1]
    for k in prange(rows.shape[0]):
        i = rows[k]
        fa = max(c0[i], 1)
        fb = min(c1[i] + 1, nx - 1)
        q_left_old = qx[i, fa - 1]
        for j in range(fa, fb + 1):
            q = qx[i, j]
            q_new = 0.0
            if active[i, j - 1] and active[i, j]:
                q_new = _face_flux(h[i, j - 1], z[i, j - 1], h[i, j], z[i, j], q, q_left_old, qx[i, j + 1],
                                   _n_face(n, i, j - 1, i, j), theta, g, dt, dx, eps)
            qx[i, j] = q_new
            q_left_old = q
        if i >= 1:
            for j in range(c0[i], c1[i] + 1):
                q_new = 0.0
                if active[i - 1, j] and active[i, j]:
                    q_new = _face_flux(h[i - 1, j], z[i - 1, j], h[i, j], z[i, j], qy_old[i, j], qy_old[i - 1, j],
                                       qy_old[i + 1, j], _n_face(n, i - 1, j, i, j), theta, g, dt, dx, eps)
                qy[i, j] = q_new


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
    for k in prange(rows.shape[0]):
        i = rows[k]
        any_limited = False
        for j in range(c0[i], c1[i] + 1):
            if not active[i, j]:
                continue
            out = (max(-qx[i, j], 0.0) + max(qx[i, j + 1], 0.0)
                   + max(-qy[i, j], 0.0) + max(qy[i + 1, j], 0.0)) * dt / dx
            avail = h[i, j] + dt * _rain_at(rain_rate, rain_field, i, j)
            if out > avail and out > 0.0:
                f[i, j] = max(avail, 0.0) / out
                any_limited = True
        flagged[i] = any_limited


def _scale_faces(qx, qy, f, rows, c0, c1):
    """Scale faces of the given rows by the factor of the cell each face leaves."""
    ny, nx = f.shape
    for k in prange(rows.shape[0]):
        i = rows[k]
        for j in range(c0[i], c1[i] + 2):
            q = qx[i, j]
            if q > 0.0:
                if j >= 1:
                    qx[i, j] = q * f[i, j - 1]
            elif j < nx:
                qx[i, j] = q * f[i, j]
        for j in range(c0[i], c1[i] + 1):
            q = qy[i, j]
            if q > 0.0:
                if i >= 1:
                    qy[i, j] = q * f[i - 1, j]
            else:
                qy[i, j] = q * f[i, j]
            if i == ny - 1:
                q = qy[ny, j]
                if q > 0.0:
                    qy[ny, j] = q * f[i, j]


def _reset_factor(f, rows, c0, c1):
    for k in prange(rows.shape[0]):
        i = rows[k]
        for j in range(c0[i], c1[i] + 1):
            f[i, j] = 1.0


def _continuity(h, active, qx, qy, rain_rate, rain_field, dt, dx, t_end, threshold,
                h_max, t_first, duration, lo, hi, row_hmax, rows, c0, c1):
    nx = h.shape[1]
    for k in prange(rows.shape[0]):
        i = rows[k]
        r_lo = nx
        r_hi = -1
        r_max = 0.0
        for j in range(c0[i], c1[i] + 1):
            if not active[i, j]:
                continue
            dh = dt * ((qx[i, j] - qx[i, j + 1]) + (qy[i, j] - qy[i + 1, j])) / dx \
                + dt * _rain_at(rain_rate, rain_field, i, j)
            hn = h[i, j] + dh
            h[i, j] = hn
            if hn > 0.0:
                r_lo = min(r_lo, j)
                r_hi = j
                r_max = max(r_max, hn)
                h_max[i, j] = max(h_max[i, j], hn)
                if hn > threshold:
                    if t_first[i, j] < 0.0:
                        t_first[i, j] = t_end
                    duration[i, j] += dt
        lo[i] = r_lo
        hi[i] = r_hi
        row_hmax[i] = r_max


def _twins(fn):
    """A row-parallel kernel and its serial twin (same code; prange runs as range).

    Small wet areas run serially: on a busy 2-core machine each parallel region
    costs a thread hand-off that can exceed the work itself.
    """
    serial = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__ + "_serial")
    serial.__qualname__ = fn.__qualname__ + "_serial"  # its own on-disk cache entry
    return njit(parallel=True, cache=True)(fn), njit(cache=True)(serial)


update_faces = _twins(_update_faces)
outflow_factor = _twins(_outflow_factor)
continuity = _twins(_continuity)
scale_faces = njit(cache=True)(_scale_faces)
reset_factor = njit(cache=True)(_reset_factor)


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
def _copy_theta_neighbours(qy, qy_old, rows, c0, c1):
    """Copy the old north-face discharges that row i's θ-average reads (rows i−1..i+1)."""
    n_faces = qy.shape[0]
    for k in range(rows.shape[0]):
        i = rows[k]
        for r in range(max(i - 1, 0), min(i + 2, n_faces)):
            for j in range(c0[i], c1[i] + 1):
                qy_old[r, j] = qy[r, j]


@njit(cache=True)
def _add_sources(h, cells, rates, dt, dx):
    for k in range(cells.shape[0]):
        h[cells[k, 0], cells[k, 1]] += dt * rates[k] / (dx * dx)
