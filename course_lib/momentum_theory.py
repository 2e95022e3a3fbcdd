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

    lr, momentum, rate = polyak(L=1.0, mu=0.04)     # 2.777…, 0.444…, 0.666…
    rate_of(lr, momentum, [0.04, 1.0])              # the same rate, from the roots
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


def polyak(L, mu):
    """Polyak's heavy ball for curvatures in [mu, L]: the (η, β) with the smallest rate.

    η = 4/(√L + √μ)², β = ((√L − √μ)/(√L + √μ))², rate = √β = (√κ − 1)/(√κ + 1).
    """
    L, mu = positive(L, "L"), positive(mu, "mu")
    if mu > L:
        raise ValueError(f"Invalid mu: {mu!r}; expected 0 < mu ≤ L = {L!r}")
    a, b = np.sqrt(L), np.sqrt(mu)
    rate = (a - b) / (a + b)
    return Tuning(float(4 / (a + b) ** 2), float(rate ** 2), float(rate))


def best_plain(L, mu):
    """Plain gradient descent's best fixed step for curvatures in [mu, L]: η = 2/(L + μ),
    rate (κ − 1)/(κ + 1) (the factors 1 − ημ and 1 − ηL are equal and opposite)."""
    L, mu = positive(L, "L"), positive(mu, "mu")
    return Tuning(2 / (L + mu), 0.0, (L - mu) / (L + mu))


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
    out = None
    for lam in np.atleast_1d(curvatures):
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
    runs out) are left out. Returns NaN for fewer than 8 usable steps, 0.0 if it hit 0."""
    gap = np.asarray(gap, dtype=float)
    usable = np.flatnonzero(~(gap > smallest))
    n = int(usable[0]) if usable.size else len(gap)   # first step too small (or NaN)
    if n < len(gap) and gap[n] == 0 and n < 8:
        return 0.0
    if n < 8:
        return float("nan")
    k1, k2, w = n // 2, n - 1, max(n // 4, 1)
    e1 = np.max(gap[max(k1 - w + 1, 0):k1 + 1])
    e2 = np.max(gap[max(k2 - w + 1, 0):k2 + 1])
    return float((e2 / e1) ** (1 / (2 * (k2 - k1))))


def predicted_steps(rate, gap0, tol=1e-8):
    """Steps for f − f* to fall from gap0 to tol at this rate (f shrinks like rate²ᵏ); the
    constant in front and a double root's extra factor k are left out."""
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
