"""Slow, readable numpy reference of the local-inertial step (淹没模拟参考实现).

One time step of the local-inertial shallow-water scheme of Bates, Horritt &
Fewtrell (2010), doi:10.1016/j.jhydrol.2010.03.027, with the θ-weighted
momentum of de Almeida, Bates, Freer & Souvignet (2012),
doi:10.1029/2011WR011570, and a mass-conserving outflow limiter. Every array
operation here has its twin in :mod:`yingji.kernels.flood2d.fast`; the two must
agree to rounding (tested by Hypothesis).

Grid conventions (shared with the fast kernel)
----------------------------------------------
- ``h[i, j]``, ``z[i, j]``: depth and bed elevation of cell (row i, column j), m;
  row 0 is the top (north) row of an ESRI ASCII grid.
- ``qx[i, j]``, shape (ny, nx + 1): discharge per unit width, m²/s, across the
  west face of cell (i, j), positive towards +j (east). ``qx[:, 0]`` and
  ``qx[:, nx]`` are the domain edges.
- ``qy[i, j]``, shape (ny + 1, nx): across the north face of cell (i, j),
  positive towards +i (south). ``qy[0]`` and ``qy[ny]`` are the domain edges.
"""

from __future__ import annotations

import numpy as np

from .faces import FREE, INFLOW, STAGE, edge_cell, edge_sign


def face_flux(h_a, z_a, h_b, z_b, q, q_left, q_right, q_cross, n_face, *, theta, g, dt, dx, eps):
    """New face discharge between cell a (upstream in +direction) and cell b, m²/s.

    q_new = [θq + (1−θ)/2·(q_left + q_right) − g·h_f·dt·(η_b − η_a)/dx]
            / [1 + g·dt·n²·√(q² + q_cross²) / h_f^(7/3)],   h_f = max(η_a, η_b) − max(z_a, z_b);
    zero where h_f ≤ eps (dry face). ``q_cross`` is the mean old discharge across
    the other axis around the face (LISFLOOD-FP's default 2-D friction; 0 for
    its ``1Dfriction``). Where the θ-weighted q_new would flow up the water
    surface slope, θ = 1 is used instead, as LISFLOOD-FP does.
    """
    eta_a = z_a + h_a
    eta_b = z_b + h_b
    h_f = np.maximum(eta_a, eta_b) - np.maximum(z_a, z_b)
    wet = h_f > eps
    h_safe = np.where(wet, h_f, 1.0)
    push = g * h_safe * dt * (eta_b - eta_a) / dx
    den = 1.0 + g * dt * n_face * n_face * np.sqrt(q * q + q_cross * q_cross) / h_safe ** (7.0 / 3.0)
    q_avg = theta * q + 0.5 * (1.0 - theta) * (q_left + q_right)
    q_new = (q_avg - push) / den
    q_new = np.where(q_new * (eta_a - eta_b) < 0.0, (q - push) / den, q_new)
    return np.where(wet, q_new, 0.0)


def interior_faces(h, qx, qy, z, active, n, *, theta, g, dt, dx, eps, friction_2d=True):
    """Update every interior face from the old state; faces next to an inactive cell are 0."""
    kw = {"theta": theta, "g": g, "dt": dt, "dx": dx, "eps": eps}
    w = 0.25 if friction_2d else 0.0
    # the four faces across the other axis around each face: for x-face (i, j), the
    # north and south faces of cells (i, j−1) and (i, j); for y-face (i, j), the west
    # and east faces of cells (i−1, j) and (i, j)
    cross_x = w * (qy[:-1, :-1] + qy[:-1, 1:] + qy[1:, :-1] + qy[1:, 1:])
    cross_y = w * (qx[:-1, :-1] + qx[:-1, 1:] + qx[1:, :-1] + qx[1:, 1:])
    both_x = active[:, :-1] & active[:, 1:]
    new_x = face_flux(h[:, :-1], z[:, :-1], h[:, 1:], z[:, 1:], qx[:, 1:-1], qx[:, :-2], qx[:, 2:], cross_x,
                      0.5 * (n[:, :-1] + n[:, 1:]), **kw)
    both_y = active[:-1, :] & active[1:, :]
    new_y = face_flux(h[:-1, :], z[:-1, :], h[1:, :], z[1:, :], qy[1:-1, :], qy[:-2, :], qy[2:, :], cross_y,
                      0.5 * (n[:-1, :] + n[1:, :]), **kw)
    qx_new = qx.copy()
    qy_new = qy.copy()
    qx_new[:, 1:-1] = np.where(both_x, new_x, 0.0)
    qy_new[1:-1, :] = np.where(both_y, new_y, 0.0)
    return qx_new, qy_new


def boundary_faces(h, qx, qy, z, n, faces, values, *, g, dt, dx, eps):
    """Set the domain-edge faces listed in ``faces`` (see :mod:`.faces`), in place."""
    for k in range(faces.side.shape[0]):
        side, idx, kind = faces.side[k], faces.index[k], faces.kind[k]
        i, j = edge_cell(side, idx, h.shape)
        arr, fi, fj = (qx, i, j + (side == 1)) if side < 2 else (qy, i + (side == 3), j)
        s = edge_sign(side)
        q_in_old = s * arr[fi, fj]
        q_in = boundary_inflow(kind, values[k], h[i, j], z[i, j], n[i, j], q_in_old, g=g, dt=dt, dx=dx, eps=eps)
        arr[fi, fj] = s * q_in


def boundary_inflow(kind, value, h, z, n, q_in_old, *, g, dt, dx, eps):
    """Inward discharge per unit width at one edge face, m²/s (negative = outflow)."""
    if kind == INFLOW:
        return value
    if kind == FREE:
        # normal-depth outflow: water-surface slope taken equal to the given bed slope
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


def outflow_factor(h, qx, qy, active, rain, *, dt, dx):
    """Fraction of each cell's outflow it can supply this step (1 = unlimited).

    Outflow volume per area is dt/dx·Σ(outgoing q); the water available is the
    depth plus this step's rain. Scaling outflow, rather than clamping a
    negative depth to zero, keeps the mass balance exact.
    """
    out = (np.maximum(-qx[:, :-1], 0.0) + np.maximum(qx[:, 1:], 0.0)
           + np.maximum(-qy[:-1, :], 0.0) + np.maximum(qy[1:, :], 0.0)) * dt / dx
    avail = h + dt * rain
    limited = active & (out > avail) & (out > 0.0)
    safe = np.where(limited, out, 1.0)
    return np.where(limited, np.maximum(avail, 0.0) / safe, 1.0)


def scale_faces(qx, qy, f):
    """Multiply each face's discharge by the factor of the cell it leaves."""
    ny, nx = f.shape
    one_col = np.ones((ny, 1))
    one_row = np.ones((1, nx))
    f_left = np.hstack([one_col, f])   # cell west of face j (none for the west edge)
    f_right = np.hstack([f, one_col])  # cell east of face j
    f_up = np.vstack([one_row, f])
    f_down = np.vstack([f, one_row])
    qx_s = qx * np.where(qx > 0.0, f_left, f_right)
    qy_s = qy * np.where(qy > 0.0, f_up, f_down)
    return qx_s, qy_s


def continuity(h, qx, qy, active, rain, *, dt, dx):
    """dh = dt·(Σq_in − Σq_out)/dx + dt·rain on active cells, m."""
    dh = dt * ((qx[:, :-1] - qx[:, 1:]) + (qy[:-1, :] - qy[1:, :])) / dx + dt * rain
    return np.where(active, h + dh, h)


def boundary_volumes(qx, qy, faces, *, dt, dx):
    """(volume in, volume out) through the listed edge faces this step, m³."""
    v_in = v_out = 0.0
    for k in range(faces.side.shape[0]):
        side, idx = faces.side[k], faces.index[k]
        ny, nx = qx.shape[0], qy.shape[1]
        i, j = edge_cell(side, idx, (ny, nx))
        q = qx[i, j + (side == 1)] if side < 2 else qy[i + (side == 3), j]
        q_in = edge_sign(side) * q
        if q_in > 0.0:
            v_in += q_in * dx * dt
        else:
            v_out -= q_in * dx * dt
    return v_in, v_out


def step(h, qx, qy, z, active, n, rain, faces, face_values, src_cells, src_rates, *,
         dt, dx, theta=1.0, g=9.80665, eps=1e-3, friction_2d=True):
    """Advance (h, qx, qy) by one step dt; returns new arrays and boundary volumes.

    Parameters
    ----------
    h : ndarray (ny, nx), m
        Water depth; 0 on inactive (NODATA) cells.
    qx, qy : ndarray, m²/s
        Face discharges per unit width (see module docstring).
    z : ndarray (ny, nx), m
        Bed elevation.
    active : ndarray of bool (ny, nx)
        False on NODATA cells, which are closed walls.
    n : ndarray (ny, nx), s/m^(1/3)
        Manning's n (broadcast a scalar with ``np.broadcast_to``).
    rain : ndarray (ny, nx), m/s
        Rain rate on each cell this step.
    faces : EdgeFaces
        The domain-edge faces that are not closed.
    face_values : ndarray, per face
        Slope (free), stage m (stage) or inward discharge m²/s (inflow).
    src_cells : ndarray (k, 2) of int; src_rates : ndarray (k,), m³/s
        Point sources, added as dt·Q/dx² with the depth update: after the face
        discharges are computed from the old depths, before the outflow limiter
        (LISFLOOD-FP 8.1's ``UpdateH`` adds them there too).
    dt, dx : float, s and m

    Returns
    -------
    h, qx, qy : ndarray
    v_in, v_out : float, m³ through the domain edge this step
    """
    h = h.copy()
    qx, qy = interior_faces(h, qx, qy, z, active, n, theta=theta, g=g, dt=dt, dx=dx, eps=eps,
                            friction_2d=friction_2d)
    boundary_faces(h, qx, qy, z, n, faces, face_values, g=g, dt=dt, dx=dx, eps=eps)
    for (r, c), rate in zip(src_cells, src_rates):
        h[r, c] += dt * rate / (dx * dx)
    f = outflow_factor(h, qx, qy, active, rain, dt=dt, dx=dx)
    qx, qy = scale_faces(qx, qy, f)
    v_in, v_out = boundary_volumes(qx, qy, faces, dt=dt, dx=dx)
    h = continuity(h, qx, qy, active, rain, dt=dt, dx=dx)
    return h, qx, qy, v_in, v_out
