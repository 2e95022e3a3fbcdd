"""Stochastic gradient descent on a model with two parameters, fitted to real data.

The cost of a data set is the mean of the examples' costs, C(w) = (1/m) Σᵢ Cᵢ(w), so its
gradient is the mean of theirs, ∇C = (1/m) Σᵢ ∇Cᵢ. A mini-batch of B examples gives a cheaper,
noisy estimate ĝ = (1/B) Σ_{i ∈ batch} ∇Cᵢ: unbiased, with a variance that falls like 1/B
(`gradient_estimate_stats`). SGD steps with ĝ; at a constant learning rate it does not settle
at the minimum w* but hovers around it in a "noise ball" whose size grows with η (`noise_ball`,
`predicted_noise_ball`), which a decreasing learning rate (`schedule`) shrinks.

    model = digits_model()                       # logistic regression, 3 vs 8, w of shape (2,)
    run = run_sgd(model, SGD(lr=1.0), epochs=5, B=16, seed=0)
    run.path, run.costs, run.lrs, run.describe()  # (k + 1, 2), (k + 1,), (k,)

The model can be drawn: w has two entries, so the full cost is a surface over the plane, and
the model has the attributes of a course_lib.surfaces.Surface (name, xlim, ylim, start, levels,
minima, f_min, value(p), grad(p), grid(n), __call__(W1, W2)); `descend(model, opt, model.start,
steps)` runs full-batch gradient descent on it. Only `gradient` differs: here it takes one point
w, as the rest of this module does (the grid is `cost_grid`).

A model for the functions of this module is any object with m, cost(w), gradient(w),
example_gradients(w), minibatch_gradient(w, idx), hessian(w), gradient_covariance(w) and
minimum() as TwoFeatureLogistic has them.
"""
import inspect
import math
import numbers
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from ._checks import (InputTypeError, NonFiniteError, choice, count, describe, finite_array, flag,
                      labels, matrix, nonnegative, positive, seed as _seed)
from .activations import sigmoid
from .data import load_digits
from .optimizers import SGD, Optimizer

# ---------------------------------------------------------------------------------------------
# The data and the model
# ---------------------------------------------------------------------------------------------

DIGIT_CLASSES = (3, 8)
FEATURE_NAMES = ("left-half ink", "right-half ink")


def digits_two_features(classes=DIGIT_CLASSES):
    """Two standardized features of the 8×8 digits of two classes: (X, y).

    X: (2, m), one column per image of the two classes, in load_digits' order; y: (m,), 1 for
    an image of classes[1], 0 for classes[0]. m = 357 for the default 3 vs 8 (183 threes,
    174 eights).
      x₁ = the mean ink of the left half of the image (columns 0–3 of the 8×8 grid),
      x₂ = the mean ink of the right half (columns 4–7),
    pixels in [0, 1], each feature then standardized over these m images (mean 0, standard
    deviation 1, with 1/m).

    Why these: a 3 is open on its left, an 8 is closed on both sides, so the left half tells
    them apart (raw means 0.23 for threes against 0.33 for eights) while the right half holds
    about as much ink in both (0.37 and 0.32) and says how thick the strokes are; the two
    features are correlated (−0.43), so the cost's contours are tilted ellipses. Logistic
    regression on them classifies 85 % of the images right: enough signal for a clear minimum,
    enough overlap between the classes for noisy per-example gradients.
    """
    a, b = _classes(classes)
    X, digit = load_digits()
    keep = (digit == a) | (digit == b)
    images = X[:, keep].reshape(8, 8, -1)          # row, column, image
    F = np.stack([images[:, :4].mean(axis=(0, 1)), images[:, 4:].mean(axis=(0, 1))])
    F = (F - F.mean(axis=1, keepdims=True)) / F.std(axis=1, keepdims=True)
    return F, (digit[keep] == b).astype(np.int64)


def _classes(classes):
    try:
        a, b = classes
        ok = all(isinstance(c, numbers.Integral) and not isinstance(c, bool) and 0 <= c <= 9
                 for c in (a, b)) and a != b
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f"Invalid classes: {classes!r}; expected a pair of two different "
                         "digits 0..9, e.g. (3, 8)")
    return int(a), int(b)


def largest_angular_gap(X, y):
    """The largest angle (degrees) between neighbouring directions of the signed examples sᵢxᵢ.

    X: (2, m), y: (m,) in {0, 1}, sᵢ = 2yᵢ − 1. Logistic regression without a bias has a
    finite minimum exactly when this is < 180°. Why: Cᵢ(w) = ln(1 + e^(−sᵢ wᵀxᵢ)) falls along a
    ray w = r·u (r → ∞) when uᵀ(sᵢxᵢ) > 0 and grows when it is < 0. A gap ≥ 180° leaves a
    half-plane with no sᵢxᵢ in it; its inner normal u has uᵀ(sᵢxᵢ) ≥ 0 for every i, so C keeps
    decreasing (or stays level) along r·u: the data are separable by a line through the origin
    and no finite w is best. A gap < 180° means every direction u has some uᵀ(sᵢxᵢ) < 0, so C
    grows without bound in every direction and, being strictly convex, has one minimum.
    Examples at the origin (xᵢ = 0) cost ln 2 whatever w is, and are left out.
    """
    Z = X * np.where(y == 1, 1.0, -1.0)
    Z = Z[:, np.any(Z != 0, axis=0)]
    if Z.shape[1] == 0:
        return 360.0
    angles = np.sort(np.arctan2(Z[1], Z[0]))
    gaps = np.diff(np.append(angles, angles[0] + 2 * np.pi))
    return float(np.degrees(gaps.max()))


class TwoFeatureLogistic:
    """Logistic regression with two weights and no bias, on data X (2, m) with labels y (m,).

    The model says p(y = 1 | x) = σ(z) with z = wᵀx, w of shape (2,). One example's cost is the
    binary cross-entropy, which with s = 2y − 1 (±1) is one softplus:

        Cᵢ(w) = −[yᵢ ln σ(zᵢ) + (1 − yᵢ) ln(1 − σ(zᵢ))] + (λ/2)‖w‖²
              = ln(1 + e^(−sᵢ zᵢ)) + (λ/2)‖w‖²        (−ln σ(z) = ln(1 + e^(−z)), 1 − σ(z) = σ(−z))

    and its gradient, from dCᵢ/dzᵢ = σ(zᵢ) − yᵢ and ∂zᵢ/∂w = xᵢ:

        ∇Cᵢ(w) = (σ(zᵢ) − yᵢ) xᵢ + λw.

    The cost C = (1/m) Σᵢ Cᵢ and the Hessian ∇²C = (1/m) Σᵢ σ(zᵢ)(1 − σ(zᵢ)) xᵢxᵢᵀ + λI.
    l2 = λ ≥ 0 (the same term in every Cᵢ, so that C is still their mean). With λ = 0 the data
    must overlap (largest_angular_gap < 180°), or there is no finite minimum and a ValueError
    says so; λ > 0 always gives one.
    start: the default starting point of a run (2,); name, feature_names: labels for plots.
    """

    def __init__(self, X, y, l2=0.0, start=(0.0, 0.0), name="logistic regression",
                 feature_names=("x₁", "x₂")):
        self.X = matrix(X, "X", rows=2, min_cols=1).astype(np.float64)
        self.y = labels(y, 2, "y")
        if self.y.size != self.X.shape[1]:
            raise ValueError(f"y has {self.y.size} labels; expected {self.X.shape[1]}, one per "
                             f"column of X (shape {self.X.shape})")
        self.l2 = nonnegative(l2, "l2")
        self.m = self.X.shape[1]
        self.s = 2.0 * self.y - 1.0                   # the labels as ±1
        self.signed = self.X * self.s                 # columns sᵢxᵢ
        self.angular_gap = largest_angular_gap(self.X, self.y)
        self.separable = self.angular_gap >= 180.0 - 1e-9
        if self.separable and self.l2 == 0.0:
            raise ValueError(
                f"X and y are separable by a line through the origin (largest angular gap "
                f"{self.angular_gap:.1f}° ≥ 180°): the cost keeps falling along a ray and has no "
                "finite minimum; expected overlapping classes, or pass l2 > 0 (e.g. 1e-3)")
        self.name = str(name)
        self.feature_names = tuple(feature_names)
        self.note = f"C(w) = mean of ln(1 + e^(−s wᵀx)){' + (λ/2)‖w‖²' if self.l2 else ''}"
        self.w_star = self._newton()
        self.f_min = self._cost(self.w_star)
        self.minima = [tuple(float(c) for c in self.w_star)]
        self.start = _point(start, "start").copy()
        # a square window centred on w*, wide enough for the start and some room around it
        half = max(1.3 * float(np.max(np.abs(self.start - self.w_star))), 1.0)
        self.xlim = (self.w_star[0] - half, self.w_star[0] + half)
        self.ylim = (self.w_star[1] - half, self.w_star[1] + half)
        top = max(self._cost(self.start), self.f_min + 0.1) - self.f_min
        self.levels = self.f_min + top * np.geomspace(1e-3, 1.5, 12)

    # -- the cost and its gradients -----------------------------------------------------------
    def example_costs(self, w):
        """The examples' costs Cᵢ(w), shape (m,); their mean is cost(w)."""
        return self._example_costs(_point(w, "w"))

    def cost(self, w):
        """C(w) = (1/m) Σᵢ Cᵢ(w), a float."""
        return self._cost(_point(w, "w"))

    def example_gradients(self, w):
        """The examples' gradients ∇Cᵢ(w) as columns, shape (2, m)."""
        w = _point(w, "w")
        return self.X * (sigmoid(w @ self.X) - self.y) + self.l2 * w[:, None]

    def gradient(self, w):
        """∇C(w) = (1/m) Σᵢ ∇Cᵢ(w), shape (2,)."""
        return self._gradient(_point(w, "w"), self.X, self.y)

    def minibatch_cost(self, w, idx):
        """The cost of the mini-batch idx: (1/B) Σ_{k} C_{idx[k]}(w), a float."""
        w, idx = _point(w, "w"), _indices(idx, self.m)
        z = w @ self.X[:, idx]
        return float(np.mean(np.logaddexp(0.0, -self.s[idx] * z)) + 0.5 * self.l2 * (w @ w))

    def minibatch_gradient(self, w, idx):
        """The mini-batch estimate ĝ = (1/B) Σₖ ∇C_{idx[k]}(w), shape (2,).

        idx: integer indices of examples (1-D, B ≥ 1 of them, repeats allowed: an index drawn
        twice counts twice, as sampling with replacement needs).
        """
        w, idx = _point(w, "w"), _indices(idx, self.m)
        return self._gradient(w, self.X[:, idx], self.y[idx])

    def hessian(self, w):
        """∇²C(w) = (1/m) Σᵢ σ(zᵢ)(1 − σ(zᵢ)) xᵢxᵢᵀ + λI, shape (2, 2)."""
        return self._hessian(_point(w, "w"))

    def gradient_covariance(self, w):
        """Σ(w) = (1/m) Σᵢ (∇Cᵢ − ∇C)(∇Cᵢ − ∇C)ᵀ, shape (2, 2): the covariance of one example's
        gradient when the example is drawn uniformly. Its trace σ² sets the mini-batch noise."""
        G = self.example_gradients(w)
        D = G - G.mean(axis=1, keepdims=True)
        return D @ D.T / self.m

    def minimum(self):
        """w*, shape (2,): the minimiser, found by Newton's method (when the model is made) down
        to round-off: ‖∇C(w*)‖ ≤ 1e-13, or as small as float64 allows (≤ 1e-10 is required)."""
        return self.w_star.copy()

    # -- contours (the Surface interface) -----------------------------------------------------
    def cost_grid(self, W1, W2):
        """C at every grid point (W1[j, k], W2[j, k]): an array shaped like W1 and W2.

        Vectorised over the grid, in chunks of points so that memory stays small (a 200×200
        grid with m = 357 is 14 million per-example costs).
        """
        W1 = finite_array(W1, "W1").astype(np.float64)
        W2 = finite_array(W2, "W2").astype(np.float64)
        if W1.shape != W2.shape:
            raise ValueError(f"W1 has shape {W1.shape} and W2 {W2.shape}; expected the same "
                             "shape (e.g. from np.meshgrid)")
        w1, w2 = W1.ravel(), W2.ravel()
        out = np.empty(w1.size)
        chunk = max(1, 2 ** 20 // self.m)
        for a in range(0, w1.size, chunk):
            b = a + chunk
            margins = np.outer(w1[a:b], self.signed[0]) + np.outer(w2[a:b], self.signed[1])
            out[a:b] = np.logaddexp(0.0, -margins).mean(axis=1)
        out += 0.5 * self.l2 * (w1 * w1 + w2 * w2)
        return out.reshape(W1.shape)

    __call__ = cost_grid

    def grid(self, n=200):
        """(W1, W2, C) on an n×n grid over the window (xlim, ylim), for contour plots."""
        n = count(n, "n", minimum=2)
        W1, W2 = np.meshgrid(np.linspace(*self.xlim, n), np.linspace(*self.ylim, n))
        return W1, W2, self.cost_grid(W1, W2)

    def value(self, p):
        """C at the point p (2,), as a Surface has it (for surfaces.descend)."""
        return self.cost(p)

    def grad(self, p):
        """∇C at the point p (2,), as a Surface has it (for surfaces.descend)."""
        return self.gradient(p)

    def __repr__(self):
        reg = f", l2={self.l2:g}" if self.l2 else ""
        return f"TwoFeatureLogistic({self.name!r}, m={self.m}{reg})"

    # -- unchecked internals (the loops call these) --------------------------------------------
    def _example_costs(self, w):
        return np.logaddexp(0.0, -(w @ self.signed)) + 0.5 * self.l2 * (w @ w)

    def _cost(self, w):
        return float(np.logaddexp(0.0, -(w @ self.signed)).sum() / self.m + 0.5 * self.l2 * (w @ w))

    def _gradient(self, w, X, y):
        g = X @ (sigmoid(w @ X) - y) / X.shape[1]
        if self.l2:
            g += self.l2 * w
        return g

    def _minibatch_gradient(self, w, idx):
        return self._gradient(w, self.X[:, idx], self.y[idx])

    def _hessian(self, w):
        p = sigmoid(w @ self.X)
        return (self.X * (p * (1.0 - p))) @ self.X.T / self.m + self.l2 * np.eye(2)

    def _newton(self):
        """Newton's method with backtracking from w = 0: w ← w − t H⁻¹∇C, t halved until C
        falls. C is strictly convex and grows in every direction, so this converges
        (quadratically near w*, in about 10 steps on the digits)."""
        w = np.zeros(2)
        c = self._cost(w)
        for _ in range(200):
            g = self._gradient(w, self.X, self.y)
            if np.linalg.norm(g) <= 1e-13:
                return w
            d = np.linalg.solve(self._hessian(w), g)
            t = 1.0
            while t > 1e-12:
                trial = w - t * d
                c_trial = self._cost(trial)
                if c_trial <= c:
                    break
                t *= 0.5
            if c_trial > c or np.array_equal(trial, w):    # round-off: as close as it gets
                break
            w, c = trial, c_trial
        g = self._gradient(w, self.X, self.y)
        if np.linalg.norm(g) > 1e-10:
            raise ValueError(f"Newton's method did not find the minimum (‖∇C‖ = "
                             f"{np.linalg.norm(g):.1e} at w = {w}); are the features scaled?")
        return w


def digits_model(classes=DIGIT_CLASSES, l2=0.0):
    """The course's two-parameter model: TwoFeatureLogistic on digits_two_features(classes).

    For 3 vs 8 (the default): m = 357, w* ≈ (2.39, −0.63), C* ≈ 0.352, 85 % of the images on the
    right side of the line wᵀx = 0; the Hessian at w* has eigenvalues ≈ 0.039 and 0.088. The
    classes overlap (largest angular gap 18°), so no L2 term is needed: l2 = 0. A bias would
    add a third parameter for almost nothing (the features are centred and the classes nearly
    balanced: fitted alongside, it comes out at 0.01 and lowers C* by less than 0.001).
    The start (−1.5, 2) points the wrong way (C ≈ 2): a run has somewhere to go.
    """
    a, b = _classes(classes)
    X, y = digits_two_features((a, b))
    return TwoFeatureLogistic(X, y, l2=l2, start=(-1.5, 2.0),
                              name=f"digits {a} vs {b}", feature_names=FEATURE_NAMES)


# ---------------------------------------------------------------------------------------------
# Mini-batches and the statistics of the mini-batch gradient
# ---------------------------------------------------------------------------------------------

def steps_per_epoch(m, B):
    """⌈m/B⌉: the number of mini-batches (steps) in one epoch."""
    m, B = count(m, "m"), count(B, "batch size B")
    return -(-m // B)


def batches(m, B, rng, replacement=False):
    """The mini-batches of one epoch over m examples: an iterator of index arrays.

    replacement=False: shuffle 0..m−1 (a permutation) and cut it into ⌈m/B⌉ consecutive
        batches of B; the last one is shorter when B does not divide m (it is kept, as in
        torch's DataLoader by default, so that every example is used exactly once per epoch).
    replacement=True: ⌈m/B⌉ batches of B indices drawn independently and uniformly from
        0..m−1 (an example may appear twice in a batch, or in no batch of the epoch); the
        "epoch" is then the same number of gradient evaluations, about m.
    rng: a numpy Generator, or an integer seed for numpy.random.default_rng.
    B ≤ m without replacement (B = m is full-batch gradient descent); any B ≥ 1 with it.
    """
    m, B, replacement = _batch_args(m, B, replacement)
    return _epoch(m, B, _generator(rng), replacement)


def _epoch(m, B, rng, replacement):
    n = -(-m // B)
    if replacement:
        yield from rng.integers(0, m, size=(n, B))     # drawn at once: the same as one by one
    else:
        order = rng.permutation(m)
        for k in range(n):
            yield order[k * B:(k + 1) * B]


def _stream(m, B, rng, replacement):
    """Epoch after epoch of batches, without end."""
    while True:
        yield from _epoch(m, B, rng, replacement)


@dataclass
class GradientStats:
    """What `gradient_estimate_stats` measured, for `draws` mini-batches of size B at w.

    estimates: (draws, 2) the mini-batch gradients, one per row (a cloud around `full`);
    mean (2,), mean_se (2,): their mean and its standard error; full (2,): ∇C(w);
    variance: their total variance (trace of the sample covariance, 1/(draws − 1)), and
    variance_se its standard error; sigma2: σ², the total variance of one example's gradient;
    predicted: the variance the formulas give, σ²/B or σ²/B · (m − B)/(m − 1).
    """

    B: int
    draws: int
    replacement: bool
    m: int
    estimates: np.ndarray
    mean: np.ndarray
    mean_se: np.ndarray
    full: np.ndarray
    variance: float
    variance_se: float
    sigma2: float
    predicted: float

    @property
    def z(self):
        """(mean − full) / mean_se, shape (2,): how many standard errors the mean is off."""
        return (self.mean - self.full) / self.mean_se

    def __repr__(self):
        how = "with" if self.replacement else "without"
        return (f"GradientStats(B={self.B}, {how} replacement, {self.draws} draws: variance "
                f"{self.variance:.4g} ± {self.variance_se:.2g}, predicted {self.predicted:.4g})")


def gradient_estimate_stats(model, w, B, draws, rng, replacement=False):
    """Draw `draws` mini-batches of size B at w and measure their gradient estimates.

    Let gᵢ = ∇Cᵢ(w), ḡ = (1/m) Σᵢ gᵢ = ∇C(w), and σ² = (1/m) Σᵢ ‖gᵢ − ḡ‖² (the spread of
    single examples' gradients). The estimate is ĝ = (1/B) Σₖ g_{Iₖ} for the B indices drawn.

    With replacement (I₁..I_B independent, uniform on 1..m): each g_{Iₖ} has mean ḡ and total
    variance σ², so E ĝ = ḡ (unbiased) and, independent terms adding their variances,
        E‖ĝ − ḡ‖² = σ²/B.
    Without replacement (a uniform random subset S of B examples): write dᵢ = gᵢ − ḡ, so
    Σᵢ dᵢ = 0 and ĝ − ḡ = (1/B) Σᵢ 1[i ∈ S] dᵢ. Each i is in S with probability B/m (so again
    E ĝ = ḡ), each pair i ≠ j with probability B(B − 1)/(m(m − 1)), and
    Σ_{i≠j} dᵢᵀdⱼ = ‖Σᵢ dᵢ‖² − Σᵢ‖dᵢ‖² = −mσ². Hence
        E‖ĝ − ḡ‖² = (1/B²) [ (B/m) mσ² − B(B − 1)/(m(m − 1)) mσ² ]
                  = σ²/B · (1 − (B − 1)/(m − 1)) = σ²/B · (m − B)/(m − 1),
    the finite-population correction: 1 at B = 1, 0 at B = m (the full batch has no noise).

    model: e.g. digits_model(); w: (2,); B ≥ 1 (≤ m without replacement); draws ≥ 2;
    rng: a numpy Generator or an integer seed. Returns a GradientStats.
    """
    _model(model)
    w = _point(w, "w")
    m, B, replacement = _batch_args(model.m, B, replacement)
    rng = _generator(rng)
    draws = count(draws, "draws", minimum=2)
    G = np.asarray(model.example_gradients(w), dtype=np.float64)
    full = G.mean(axis=1)
    sigma2 = float(np.mean(np.sum((G - full[:, None]) ** 2, axis=0)))
    estimates = np.empty((draws, 2))
    chunk = max(1, 2 ** 20 // (m if not replacement else B))
    for a in range(0, draws, chunk):
        n = min(chunk, draws - a)
        if replacement:
            idx = rng.integers(0, m, size=(n, B))
        else:
            idx = rng.permuted(np.broadcast_to(np.arange(m), (n, m)), axis=1)[:, :B]
        estimates[a:a + n] = G[:, idx].mean(axis=2).T
    mean = estimates.mean(axis=0)
    mean_se = estimates.std(axis=0, ddof=1) / math.sqrt(draws)
    sq = np.sum((estimates - mean) ** 2, axis=1) * (draws / (draws - 1))
    variance = float(sq.mean())
    variance_se = float(sq.std(ddof=1) / math.sqrt(draws))
    predicted = sigma2 / B if replacement else sigma2 / B * (m - B) / (m - 1) if m > 1 else 0.0
    return GradientStats(B, draws, replacement, m, estimates, mean, mean_se, full, variance,
                         variance_se, sigma2, predicted)


# ---------------------------------------------------------------------------------------------
# Learning-rate schedules
# ---------------------------------------------------------------------------------------------

class Schedule:
    """A learning rate for every step: sched(t) is η_t for the steps t = 0, 1, 2, ... of a run
    (step t moves from path[t] to path[t + 1]). t may be an integer or an integer array (for
    plotting); the result is a float or an array of that shape. η₀ = lr0 = sched(0).

    torch.optim.lr_scheduler counts `scheduler.step()` calls, usually one per epoch; here t
    counts optimizer steps. For a schedule in epochs, scale: every = k · steps_per_epoch(m, B).
    """

    name = ""
    formula = ""

    def __init__(self, lr0):
        self.lr0 = positive(lr0, "lr0")

    def __call__(self, t):
        t = _step_index(t)
        if not isinstance(t, np.ndarray):
            return float(self._at(t))
        # one value per distinct step, computed with Python's math: an array of steps gives
        # the very bits a loop over them does, on any machine (numpy's vectorised cos and
        # pow may differ from them in the last bit, by CPU)
        steps, where = np.unique(t, return_inverse=True)
        values = np.array([self._at(int(k)) for k in steps], dtype=np.float64)
        return values[where].reshape(t.shape)

    def _at(self, t):
        """η_t for one integer step t ≥ 0, as a float."""
        raise NotImplementedError

    def options(self):
        return {"lr0": self.lr0}

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.options().items())
        return f"{type(self).__name__}({args})"


class Constant(Schedule):
    """η_t = η₀."""

    name, formula = "constant", "η_t = η₀"

    def _at(self, t):
        return self.lr0


class StepDecay(Schedule):
    """η_t = η₀ · factor^⌊t / every⌋: multiplied by `factor` every `every` steps.

    torch's StepLR(step_size=every, gamma=factor) gives the same numbers (when stepped once per
    optimizer step). every: an integer ≥ 1; factor in (0, 1].
    """

    name, formula = "step", "η_t = η₀ · factor^⌊t/every⌋"

    def __init__(self, lr0, every=100, factor=0.5):
        super().__init__(lr0)
        self.every = count(every, "every")
        self.factor = positive(factor, "factor")
        if self.factor > 1:
            raise ValueError(f"Invalid factor: {factor!r}; expected a decay factor in (0, 1]")

    def _at(self, t):
        return self.lr0 * self.factor ** (t // self.every)

    def options(self):
        return {"lr0": self.lr0, "every": self.every, "factor": self.factor}


class InverseTime(Schedule):
    """η_t = η₀ / (1 + t/τ): η₀ until t ≈ τ, then falling like η₀τ/t.

    Σ η_t diverges (the steps can still travel any distance) while Σ η_t² converges (the noise
    they add stays finite): the Robbins–Monro conditions under which SGD converges to w*.
    torch has no class for it (LambdaLR(lambda t: 1 / (1 + t / tau)) gives it); Keras's
    InverseTimeDecay(η₀, decay_steps, decay_rate) is the same with τ = decay_steps/decay_rate.
    tau: a number > 0 of steps.
    """

    name, formula = "inverse_time", "η_t = η₀ / (1 + t/τ)"

    def __init__(self, lr0, tau=100.0):
        super().__init__(lr0)
        self.tau = positive(tau, "tau")

    def _at(self, t):
        return self.lr0 / (1.0 + t / self.tau)

    def options(self):
        return {"lr0": self.lr0, "tau": self.tau}


class _Annealing(Schedule):
    """A schedule that falls from η₀ at t = 0 to η_min at t = T and stays there: Cosine and
    Linear. T: an integer ≥ 1; lr_min in [0, lr0]. With η_min = 0 the rate at t = T is 0, which
    an optimizer refuses: run T ≥ steps (the last step taken is T − 1) or take η_min > 0."""

    def __init__(self, lr0, T=100, lr_min=0.0):
        super().__init__(lr0)
        self.T = count(T, "T")
        self.lr_min = nonnegative(lr_min, "lr_min")
        if self.lr_min > self.lr0:
            raise ValueError(f"Invalid lr_min: {lr_min!r}; expected a number in [0, lr0] = "
                             f"[0, {self.lr0!r}]")

    def _at(self, t):
        return self.lr_min + (self.lr0 - self.lr_min) * self._fraction(min(t, self.T) / self.T)

    def _fraction(self, phase):
        """How much of η₀ − η_min is left at phase t/T in [0, 1] (1 at 0, 0 at 1)."""
        raise NotImplementedError

    def options(self):
        return {"lr0": self.lr0, "T": self.T, "lr_min": self.lr_min}


class Cosine(_Annealing):
    """η_t = η_min + ½ (η₀ − η_min)(1 + cos(π t/T)) for 0 ≤ t ≤ T, and η_min after T.

    Half a cosine from η₀ (t = 0) down to η_min (t = T): slow at first, fastest mid-way, slow
    again at the end. torch's CosineAnnealingLR(T_max=T, eta_min=η_min) documents the same
    closed form (its implementation is a recursion equal to it when nothing else changes the
    learning rate), but it keeps following the cosine past T_max, back up towards η₀; here the
    rate stays at η_min. With η_min = 0 the rate at t = T is 0, which an optimizer refuses:
    run T ≥ steps (the last step taken is T − 1) or take η_min > 0.
    T: an integer ≥ 1; lr_min in [0, lr0].
    """

    name, formula = "cosine", "η_t = η_min + ½(η₀ − η_min)(1 + cos(π t/T))"

    def _fraction(self, phase):
        return 0.5 * (1.0 + math.cos(math.pi * phase))


class Linear(_Annealing):
    """η_t = η_min + (η₀ − η_min)(1 − t/T) for 0 ≤ t ≤ T, and η_min after T.

    A straight line from η₀ (t = 0) down to η_min (t = T): torch's LinearLR(start_factor=1,
    end_factor=η_min/η₀, total_iters=T). As with Cosine, η_min = 0 gives 0 at t = T.
    T: an integer ≥ 1; lr_min in [0, lr0].
    """

    name, formula = "linear", "η_t = η_min + (η₀ − η_min)(1 − t/T)"

    def _fraction(self, phase):
        return 1.0 - phase


SCHEDULES = {cls.name: cls for cls in (Constant, StepDecay, InverseTime, Cosine, Linear)}


def schedule(name, lr0, **options):
    """A schedule by name: "constant", "step" (every, factor), "inverse_time" (tau),
    "cosine" (T, lr_min) or "linear" (T, lr_min). schedule("cosine", 1.0, T=200)(t) is η_t."""
    cls = SCHEDULES[choice(name, SCHEDULES, "schedule")]
    allowed = list(inspect.signature(cls).parameters)[1:]
    unknown = sorted(set(options) - set(allowed))
    if unknown:
        raise InputTypeError(f"Unknown option(s) {unknown} for schedule {name!r}; expected "
                             f"{allowed or 'none'} (besides lr0)")
    return cls(lr0, **options)


# ---------------------------------------------------------------------------------------------
# Running SGD and measuring the noise ball
# ---------------------------------------------------------------------------------------------

@dataclass
class SGDRun:
    """The outcome of `run_sgd`.

    path: (k + 1, 2) the points w visited, the start included (fewer rows if it diverged);
    costs: (k + 1,) the full cost C at each point; lrs: (k,) the η of each step taken;
    f_min: C(w*); steps: the steps asked for; diverged_at: the step after which the run left
    every reasonable bound (None if it did not); B, replacement, seed: how it sampled;
    per_epoch: steps in one epoch, ⌈m/B⌉.
    """

    path: np.ndarray
    costs: np.ndarray
    lrs: np.ndarray
    f_min: float
    steps: int
    diverged_at: int | None
    B: int
    replacement: bool
    seed: int | None
    per_epoch: int

    @property
    def gap(self):
        """C − C* at each point, (k + 1,)."""
        return self.costs - self.f_min

    @property
    def final(self):
        return self.path[-1]

    def describe(self):
        """One plain line: "diverged at step k" or the cost gap at the end."""
        if self.diverged_at is not None:
            return f"diverged at step {self.diverged_at}"
        return (f"{self.steps} steps ({self.steps / self.per_epoch:.3g} epochs) of batch size "
                f"{self.B}: C − C* = {self.gap[-1]:.2e}")


def run_sgd(model, optimizer, steps=None, *, epochs=None, B=32, seed=0, schedule=None,
            replacement=False, start=None, blowup=1e6):
    """Run `optimizer` on mini-batches of `model` from `start` (default model.start).

    Give steps, or epochs (then steps = epochs · ⌈m/B⌉). Batches come from `batches` epoch
    after epoch (a fresh shuffle per epoch, or draws with replacement), all from one
    numpy.random.default_rng(seed) (seed: an integer ≥ 0, or a numpy Generator). Step t
    (t = 0, 1, ...): ĝ = model.minibatch_gradient(w, batch), the optimizer's lr set to η_t =
    schedule(t) if a schedule is given (a Schedule or any function of t giving numbers > 0,
    all checked before the run), then optimizer.step({"w": w}, {"w": ĝ}) with w a float64
    array updated in place. The optimizer is reset first (it is tied to this run's w) and
    gets its own lr back at the end. `optimizer`: any course_lib optimizer (SGD with momentum,
    Adam, ...).

    Divergence, as in surfaces.descend: after step k, if w or C is not finite, or C − C*
    exceeds blowup × max(C(start) − C*, 1), the run stops with diverged_at = k and keeps the
    k points before it (no NaN in the path, no overflow warning). For logistic regression
    the per-example gradients are bounded (‖(σ − y)x‖ ≤ ‖x‖), so without L2 a too-large η
    does not overflow: w wanders off linearly, and the bound decides.
    Returns an SGDRun.
    """
    _model(model)
    if not isinstance(optimizer, Optimizer):
        raise InputTypeError(f"optimizer must be a course_lib optimizer (SGD, Adam, ...); got "
                             f"{describe(optimizer)}")
    m, B, replacement = _batch_args(model.m, B, replacement)
    per_epoch = -(-m // B)
    if (steps is None) == (epochs is None):
        raise ValueError(f"run_sgd needs steps or epochs, not both and not neither; got "
                         f"steps={steps!r}, epochs={epochs!r}")
    steps = count(steps, "steps", minimum=0) if epochs is None else count(epochs, "epochs") * per_epoch
    rng = _generator(seed, "seed")
    seed_used = seed if isinstance(seed, numbers.Integral) else None
    lrs = _learning_rates(schedule, optimizer, steps)
    blowup = positive(blowup, "blowup")
    if start is None and getattr(model, "start", None) is None:
        raise ValueError(f"start is None and {describe(model)} has no start; expected a "
                         "starting point (2,)")
    w = _point(model.start if start is None else start, "start").copy()

    lr_before = optimizer.lr
    optimizer.reset()
    path = np.empty((steps + 1, 2))
    costs = np.empty(steps + 1)
    cost = getattr(model, "_cost", model.cost)              # unchecked versions when there
    grad = getattr(model, "_minibatch_gradient", model.minibatch_gradient)   # are some
    path[0], costs[0] = w, cost(w)
    f_min = float(model.cost(model.minimum()))
    limit = blowup * max(costs[0] - f_min, 1.0)
    params = {"w": w}
    diverged_at, n = None, steps
    stream = _stream(m, B, rng, replacement)
    try:
        with np.errstate(over="ignore", invalid="ignore"):   # a blow-up is the lesson: caught below
            for k in range(1, steps + 1):
                g = grad(w, next(stream))
                if schedule is not None:
                    optimizer.lr = lrs[k - 1]
                try:
                    optimizer.step(params, {"w": g})    # it refuses a gradient with NaN or inf
                except NonFiniteError:
                    diverged_at, n = k, k - 1
                    break
                c = cost(w)
                if not (math.isfinite(c) and c - f_min <= limit and np.isfinite(w).all()):
                    diverged_at, n = k, k - 1
                    break
                path[k], costs[k] = w, c
    finally:
        optimizer.lr = lr_before
    return SGDRun(path[:n + 1].copy(), costs[:n + 1].copy(), lrs[:n].copy(), f_min, steps,
                  diverged_at, B, replacement, seed_used, per_epoch)


@dataclass
class NoiseBall:
    """How far SGD at a constant learning rate hovers from w*, measured by `noise_ball`.

    radius: the median over seeds of each run's RMS distance to w* over its window,
    √(mean ‖w_k − w*‖²); excess: the median over seeds of each run's mean C(w_k) − C*;
    radii, excesses: (seeds,) the per-seed values (inf for a run that diverged).
    """

    lr: float
    B: int
    momentum: float
    replacement: bool
    radius: float
    excess: float
    radii: np.ndarray
    excesses: np.ndarray
    burn_in: int
    window: int

    def __repr__(self):
        how = "with" if self.replacement else "without"
        return (f"NoiseBall(lr={self.lr:g}, B={self.B}, {how} replacement: radius "
                f"{self.radius:.3g}, excess cost {self.excess:.3g}, over {self.radii.size} seeds)")


def noise_ball(model, lr, B, *, momentum=0.0, replacement=False, seeds=(0, 1, 2, 3, 4),
               burn_in=500, window=2000):
    """Measure the region SGD hovers in at a constant learning rate η = lr.

    For each seed: SGD(lr, momentum) runs from w* itself for burn_in + window steps (from w*,
    so that there is no approach to wait for: the burn-in only lets the spread build up to its
    steady size, which takes a few times 1/(η μ) steps, μ the smallest curvature at w*). Over
    the last `window` points it records the RMS distance √(mean ‖w_k − w*‖²) and the mean
    excess cost mean(C(w_k) − C*). The radius and excess reported are the medians of these
    over the seeds: a mean over many correlated steps, then a median over independent runs, so
    that one unlucky run does not move the result.
    Returns a NoiseBall. See predicted_noise_ball for what theory expects.

    Measured on digits_model() with B = 8 (5 seeds, burn_in 500, window 2000), radius for
    η = 0.25, 1, 4: with replacement about 0.17, 0.36, 0.77 (close to the prediction, ∝ √η at
    small η); without replacement (reshuffled epochs) about 0.08, 0.25, 0.72: smaller at small
    η, because the batches of an epoch together use every example exactly once.
    """
    _model(model)
    lr = positive(lr, "lr")
    B = count(B, "batch size B")
    if isinstance(seeds, (str, bytes, dict)) or not hasattr(seeds, "__iter__"):
        raise InputTypeError(f"seeds must be a list of integer seeds; got {describe(seeds)}")
    seeds = list(seeds)
    if not seeds or any(s is None for s in seeds):
        raise ValueError(f"Invalid seeds: {seeds!r}; expected one or more integers ≥ 0")
    seeds = [_seed(s, "seed in seeds") for s in seeds]
    burn_in, window = count(burn_in, "burn_in", minimum=0), count(window, "window")
    w_star = np.asarray(model.minimum(), dtype=np.float64)
    f_min = float(model.cost(w_star))
    radii, excesses = [], []
    for s in seeds:
        run = run_sgd(model, SGD(lr, momentum=momentum), burn_in + window, B=B, seed=s,
                      replacement=replacement, start=w_star)
        if run.diverged_at is not None:
            radii.append(math.inf)
            excesses.append(math.inf)
            continue
        tail = run.path[burn_in + 1:]
        radii.append(math.sqrt(np.mean(np.sum((tail - w_star) ** 2, axis=1))))
        excesses.append(float(np.mean(run.costs[burn_in + 1:] - f_min)))
    radii, excesses = np.array(radii), np.array(excesses)
    return NoiseBall(lr, B, float(momentum), replacement, float(np.median(radii)),
                     float(np.median(excesses)), radii, excesses, burn_in, window)


class PredictedBall(NamedTuple):
    """radius: √E‖w − w*‖²; excess: E[C(w) − C*] ≈ ½ E[(w − w*)ᵀH(w − w*)]."""

    radius: float
    excess: float


def predicted_noise_ball(model, lr, B):
    """The noise ball of plain SGD (no momentum, batches drawn with replacement) predicted by
    linearising at w*.

    Near w*, ∇C(w) ≈ H e with e = w − w*, H = ∇²C(w*), and the mini-batch gradient is that plus
    a noise ξ of mean 0 and covariance Σ/B (Σ = model.gradient_covariance(w*)). So
        e_{k+1} = (I − ηH) e_k − η ξ_k,
    and the steady covariance S = E e eᵀ solves S = (I − ηH) S (I − ηH) + η² Σ/B. In the
    eigenbasis of H (eigenvalues λⱼ, Σ̃ = QᵀΣQ) it is diagonal-wise explicit:
        S̃ⱼₖ = η² Σ̃ⱼₖ / (B (1 − (1 − ηλⱼ)(1 − ηλₖ))),
    so E‖e‖² = Σⱼ η Σ̃ⱼⱼ / (B λⱼ (2 − ηλⱼ)) ≈ (η/2B) tr(H⁻¹Σ) for small η, and
    E[C − C*] ≈ ½ tr(HS) = Σⱼ η Σ̃ⱼⱼ / (2B (2 − ηλⱼ)) ≈ (η/4B) tr Σ.
    Both grow like η/B: doubling B is worth halving η, as far as the ball is concerned.
    Unstable (ηλ_max ≥ 2): inf. Without replacement the batches of an epoch are not
    independent (their noises add up to zero over the epoch) and the measured ball is smaller.
    """
    _model(model)
    lr = positive(lr, "lr")
    B = count(B, "batch size B")
    w_star = np.asarray(model.minimum(), dtype=np.float64)
    lam, Q = np.linalg.eigh(np.asarray(model.hessian(w_star), dtype=np.float64))
    if lr * lam.max() >= 2.0:
        return PredictedBall(math.inf, math.inf)
    s = np.diag(Q.T @ np.asarray(model.gradient_covariance(w_star)) @ Q)
    dist2 = float(np.sum(lr * s / (B * lam * (2.0 - lr * lam))))
    excess = float(np.sum(lr * s / (2.0 * B * (2.0 - lr * lam))))
    return PredictedBall(math.sqrt(dist2), excess)


# ---------------------------------------------------------------------------------------------
# Argument checks
# ---------------------------------------------------------------------------------------------

_MODEL_NEEDS = ("m", "cost", "gradient", "example_gradients", "minibatch_gradient", "minimum",
                "hessian", "gradient_covariance")


def _model(model):
    missing = [a for a in _MODEL_NEEDS if not hasattr(model, a)]
    if missing:
        raise InputTypeError(f"model must be a two-parameter model such as digits_model() "
                             f"(with {', '.join(_MODEL_NEEDS)}); got {describe(model)}, "
                             f"which has no {', '.join(missing)}")
    return model


def _point(w, name):
    """A finite float64 point of shape (2,)."""
    arr = finite_array(w, name)
    if arr.shape != (2,):
        raise ValueError(f"{name} has shape {arr.shape}; expected (2,): the two parameters "
                         "(w₁, w₂)")
    return arr.astype(np.float64, copy=False)


def _indices(idx, m):
    """A non-empty 1-D integer array of example indices in 0..m−1."""
    if isinstance(idx, np.ma.MaskedArray) or idx is None:
        raise InputTypeError(f"idx must be an array of example indices; got {describe(idx)}")
    try:
        arr = np.asarray(idx)
    except (TypeError, ValueError):
        raise InputTypeError(f"idx must be an array of example indices; got {describe(idx)}") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"idx has shape {arr.shape}; expected a 1-D array of at least one "
                         f"example index in 0..{m - 1}")
    if arr.dtype.kind not in "iu":
        raise InputTypeError(f"idx has dtype {arr.dtype}; expected integer indices in 0..{m - 1} "
                             "(a boolean mask? use np.flatnonzero(mask))")
    bad = arr[(arr < 0) | (arr >= m)]
    if bad.size:
        raise ValueError(f"idx holds {bad[0]}; expected example indices in 0..{m - 1} "
                         f"({bad.size} out of range)")
    return arr


def _generator(rng, name="rng"):
    """A numpy Generator as it is, or a new one from an integer seed."""
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None:
        raise InputTypeError(f"{name} is None; expected a numpy Generator or an integer seed "
                             "≥ 0 (runs are seeded so that they can be repeated)")
    return np.random.default_rng(_seed(rng, name))


def _batch_args(m, B, replacement):
    m = count(m, "m (number of examples)")
    B = count(B, "batch size B")
    replacement = flag(replacement, "replacement")
    if not replacement and B > m:
        raise ValueError(f"Invalid batch size B: {B}; expected 1 ≤ B ≤ m = {m} without "
                         "replacement (B = m is full-batch gradient descent)")
    return m, B, replacement


def _step_index(t):
    """A step number t ≥ 0: an integer, or an integer array."""
    if isinstance(t, np.ndarray):
        if t.dtype.kind not in "iu":
            raise InputTypeError(f"step t has dtype {t.dtype}; expected integers ≥ 0")
        if t.size and t.min() < 0:
            raise ValueError(f"step t holds {t.min()}; expected integers ≥ 0")
        return t
    return count(t, "step t", minimum=0)


def _learning_rates(sched, optimizer, steps):
    """η_t for t = 0..steps−1, each checked to be a finite number > 0."""
    if sched is None:
        return np.full(steps, positive(optimizer.lr, "optimizer.lr"))
    if not callable(sched):
        raise InputTypeError(f"schedule must be a Schedule (e.g. schedule('cosine', 1.0, T=200)) "
                             f"or a function of the step t; got {describe(sched)}")
    if isinstance(sched, Schedule):
        lrs = sched(np.arange(steps))
    else:
        lrs = np.array([sched(t) for t in range(steps)], dtype=np.float64)
    bad = np.flatnonzero(~(np.isfinite(lrs) & (lrs > 0)))
    if bad.size:
        t = int(bad[0])
        hint = (f" (a {sched.name} schedule with lr_min = 0 reaches 0 at t = T: take T ≥ steps "
                "or lr_min > 0)") if isinstance(sched, _Annealing) else ""
        raise ValueError(f"schedule gives η_t = {float(lrs[t])!r} at step t = {t}; expected a finite "
                         f"number > 0 at every step 0..{steps - 1}{hint}")
    return lrs
