"""Momentum on a quadratic, in closed form: what notebook 02 predicts and then checks by running.

On f = ½ θᵀHθ every eigen-direction of H (curvature λ, between μ and L) evolves on its own.
Heavy ball in PyTorch's form (b ← βb + g, θ ← θ − ηb) is θₖ₊₁ = θₖ − ηλθₖ + β(θₖ − θₖ₋₁), so
the pair (θₖ, θₖ₋₁) is multiplied by the 2×2 matrix

    heavy ball:  [[1 + β − ηλ, −β], [1, 0]]        z² − (1 + β − ηλ) z + β = 0
    Nesterov:    z² − (1 + β)(1 − ηλ) z + β(1 − ηλ) = 0      (PyTorch's nesterov=True)

and the error shrinks like |z|ᵏ for the larger root z: the *rate*. Complex roots have
|z|² = their product, so heavy ball's rate is never below √β (the floor), and it sits on the
floor exactly when the roots are complex: β ≥ (1 − √(ηλ))², *critical damping* at equality.
Polyak's choice puts both ends μ and L at critical damping:
η* = 4/(√L + √μ)², β* = ((√κ − 1)/(√κ + 1))², rate √β* = (√κ − 1)/(√κ + 1).

    t = polyak(L=1.0, mu=0.04)           # t.lr 2.777…, t.momentum 0.444…, t.rate 0.666…
    rate_of(t.lr, t.momentum, [0.04, 1.0])  # the same rate, from the roots
"""
from dataclasses import dataclass

import numpy as np

from ._checks import positive


@dataclass(frozen=True)
class Tuning:
    """A learning rate, a momentum and the rate per step they give (error × rate each step)."""

    lr: float
    momentum: float
    rate: float


def _curvatures(L, mu):
    """(L, mu) checked: numbers with 0 < mu ≤ L."""
    L, mu = positive(L, "L"), positive(mu, "mu")
    if mu > L:
        raise ValueError(f"Invalid mu: {mu!r}; expected 0 < mu ≤ L = {L!r}")
    return L, mu


def polyak(L, mu):
    """Polyak's heavy ball for curvatures in [mu, L]: the (η, β) with the smallest rate.

    η = 4/(√L + √μ)², β = ((√L − √μ)/(√L + √μ))², rate = √β = (√κ − 1)/(√κ + 1).
    """
    L, mu = _curvatures(L, mu)
    a, b = np.sqrt(L), np.sqrt(mu)
    rate = (a - b) / (a + b)
    return Tuning(float(4 / (a + b) ** 2), float(rate ** 2), float(rate))


def best_plain(L, mu):
    """Plain gradient descent's best fixed step for curvatures in [mu, L]: η = 2/(L + μ),
    rate (κ − 1)/(κ + 1) (the factors 1 − ημ and 1 − ηL are equal and opposite)."""
    L, mu = _curvatures(L, mu)
    return Tuning(2 / (L + mu), 0.0, (L - mu) / (L + mu))


def largest_stable_lr(momentum, L, nesterov=False):
    """The largest η whose rate on curvature L is below 1 for this momentum, found by bisection
    on `rate_of` (heavy ball: 2(1 + β)/L; plain gradient descent, β = 0: 2/L)."""
    L = positive(L, "L")
    lo, hi = 0.0, 10.0 / L
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if rate_of(mid, momentum, [L], nesterov) < 1 else (lo, mid)
    return lo


def iteration_matrix(lr, momentum, curvature, nesterov=False):
    """The 2×2 matrix that maps the state of one eigen-direction to the next.

    Heavy ball acts on (θₖ, θₖ₋₁); Nesterov (PyTorch's form) on (θₖ, bₖ₋₁), where
    θₖ₊₁ = (1 − ηλ(1 + β)) θₖ − ηβ² bₖ₋₁ and bₖ = λθₖ + β bₖ₋₁.
    """
    h, beta = lr * curvature, momentum
    if nesterov:
        return np.array([[1 - h * (1 + beta), -lr * beta ** 2], [curvature, beta]])
    return np.array([[1 + beta - h, -beta], [1.0, 0.0]])


def roots(lr, momentum, curvature, nesterov=False):
    """The two eigenvalues z of the iteration matrix (complex arrays, broadcast over the
    inputs), from z² − T z + D = 0."""
    h = np.asarray(lr, dtype=float) * np.asarray(curvature, dtype=float)
    beta = np.asarray(momentum, dtype=float)
    if nesterov:
        T, D = (1 + beta) * (1 - h), beta * (1 - h)
    else:
        T, D = 1 + beta - h, beta + 0 * h
    s = np.sqrt(T * T - 4 * D + 0j)
    return (T + s) / 2, (T - s) / 2


def rate_of(lr, momentum, curvatures, nesterov=False):
    """The convergence rate: the largest |z| over the curvatures (a float, or an array shaped
    like lr and momentum broadcast). Below 1 the run converges, above 1 it diverges."""
    curvatures = np.atleast_1d(np.asarray(curvatures, dtype=float))
    if curvatures.size == 0:
        raise ValueError("curvatures is empty; expected at least one curvature λ")
    out = None
    for lam in curvatures:
        z1, z2 = roots(lr, momentum, lam, nesterov)
        r = np.maximum(np.abs(z1), np.abs(z2))
        out = r if out is None else np.maximum(out, r)
    return float(out) if np.ndim(out) == 0 else out


def critical_momentum(lr, curvature):
    """The momentum that damps one direction critically: β = (1 − √(ηλ))², where the two roots
    meet (double root √β). Larger β: complex roots, rate exactly √β (it swings); smaller:
    real roots, rate above √β. NaN when ηλ ≥ 4 (no β < 1 is stable there)."""
    h = np.asarray(lr, dtype=float) * np.asarray(curvature, dtype=float)
    beta = (1 - np.sqrt(h)) ** 2
    out = np.where(h < 4, beta, np.nan)
    return float(out) if np.ndim(out) == 0 else out


def measured_rate(gap, smallest=1e-250):
    """The rate per step read from a run's f − f* (a quadratic: f − f* ∝ |error|², hence the
    square root): the decay of the envelope (largest gap over a window, so that swings do not
    matter) between the middle and the end of the run. Gaps below `smallest` (where float64
    runs out) are left out. Returns NaN for fewer than 8 usable steps, and 0.0 if before that
    the gap fell to `smallest` or below (0, or a round-off-level or negative gap: the run
    converged faster than float64 can follow)."""
    gap = np.asarray(gap, dtype=float)
    too_small = np.flatnonzero(~(gap > smallest))      # (NaN too)
    n = int(too_small[0]) if too_small.size else len(gap)
    if n < 8 and n < len(gap) and not np.isnan(gap[n]):
        return 0.0
    if n < 8:
        return float("nan")
    k1, k2, w = n // 2, n - 1, max(n // 4, 1)
    e1 = np.max(gap[max(k1 - w + 1, 0):k1 + 1])
    e2 = np.max(gap[max(k2 - w + 1, 0):k2 + 1])
    return float((e2 / e1) ** (1 / (2 * (k2 - k1))))


def predicted_steps(rate, gap0, tol=1e-8):
    """Steps for f − f* to fall from gap0 to tol at this rate (f shrinks like rate²ᵏ); the
    constant in front and a double root's extra factor k are left out. rate in (0, 1),
    0 < tol < gap0 (arrays of rates too)."""
    r = np.asarray(rate, dtype=float)
    if not np.all((r > 0) & (r < 1)):
        raise ValueError(f"Invalid rate: {rate!r}; expected rates in (0, 1) (at 1 or above the "
                         "run never gets there)")
    if not (0 < positive(tol, "tol") < positive(gap0, "gap0")):
        raise ValueError(f"Invalid tol: {tol!r}; expected 0 < tol < gap0 = {gap0!r}")
    return np.log(gap0 / tol) / (2 * np.log(1 / np.asarray(rate, dtype=float)))


def nesterov_lookahead(surface, lr, momentum, start, steps):
    """Nesterov in its look-ahead form (Sutskever et al. 2013), written out:

        yₖ = xₖ + β vₖ          the look-ahead point (v₁ = 0)
        vₖ₊₁ = β vₖ − η ∇f(yₖ)  the gradient is taken at yₖ, not at xₖ
        xₖ₊₁ = xₖ + vₖ₊₁

    Returns (x, y, g): arrays of shape (steps + 1, d), (steps, d), (steps, d) with g[k] = ∇f(y[k]).
    PyTorch's nesterov=True stores the look-ahead points: its θₖ are these yₖ (with v = −η b).
    """
    x = np.array(start, dtype=float)
    v = np.zeros_like(x)
    xs, ys, gs = [x.copy()], [], []
    for _ in range(steps):
        y = x + momentum * v
        g = surface.grad(y)
        v = momentum * v - lr * g
        x = x + v
        xs.append(x.copy())
        ys.append(y)
        gs.append(g)
    return np.array(xs), np.array(ys).reshape(-1, x.size), np.array(gs).reshape(-1, x.size)
