"""Toy functions to descend, with analytic gradients, and `descend` which runs an optimizer on one.

Two-variable surfaces f(x, y) are vectorised: `s(X, Y)` and `s.gradient(X, Y)` accept grids of
any shape (for contour plots) and return arrays of that shape. For an optimizer the same surface
is seen through a point p = [x, y]: `s.value(p)` and `s.grad(p)` (shape (2,)).
One-variable functions (notebook 01) have the same `value(p)` / `grad(p)` with p of shape (1,),
plus f'' so that the smoothness constant L = max |f''| is computed, never typed in.

    s = bowl(condition=25)
    run = descend(s, SGD(lr=0.9, momentum=0.5), s.start, steps=200)
    run.diverged_at, run.converged_at, run.path       # (steps + 1, 2) or shorter if it diverged
"""
import math
from dataclasses import dataclass

import numpy as np

from ._checks import finite_array, positive


class Surface:
    """f(x, y) with its gradient (∂f/∂x, ∂f/∂y), its minima and a good window to look at it.

    f, gradient: callables of (X, Y) (arrays of one shape) returning f and (fx, fy).
    minima: list of (x, y) minimisers; f_min: the lowest value of f (the target of descent).
    xlim, ylim: the plotting window; start: a default starting point; levels: contour levels.
    """

    def __init__(self, name, f, gradient, minima, f_min, xlim, ylim, start, levels, note=""):
        self.name = name
        self._f, self._gradient = f, gradient
        self.minima = [tuple(float(c) for c in m) for m in minima]
        self.f_min = float(f_min)
        self.xlim, self.ylim = tuple(xlim), tuple(ylim)
        self.start = np.array(start, dtype=float)
        self.levels = np.asarray(levels, dtype=float)
        self.note = note

    def __call__(self, x, y):
        return self._f(np.asarray(x, dtype=float), np.asarray(y, dtype=float))

    def gradient(self, x, y):
        """(∂f/∂x, ∂f/∂y), each shaped like x and y."""
        return self._gradient(np.asarray(x, dtype=float), np.asarray(y, dtype=float))

    def value(self, p):
        """f at the point p = [x, y] (shape (2,)), as a float."""
        return float(self._f(p[0], p[1]))

    def grad(self, p):
        """∇f at the point p = [x, y], shape (2,)."""
        gx, gy = self._gradient(p[0], p[1])
        return np.array([gx, gy], dtype=float)

    def grid(self, n=200):
        """(X, Y, Z) on an n×n grid over the window, for contour plots."""
        X, Y = np.meshgrid(np.linspace(*self.xlim, n), np.linspace(*self.ylim, n))
        return X, Y, self(X, Y)

    def __repr__(self):
        return f"Surface({self.name!r})"


def bowl(condition=10.0, L=1.0, angle=0.0):
    """A quadratic bowl f = ½ pᵀ H p with eigenvalues L and L/condition (the condition number κ).

    Axis-aligned (angle=0): f(x, y) = ½ (L/κ · x² + L · y²), so the long, flat direction is x
    and the steep one is y. angle (radians) rotates the bowl. ∇f = H p. The minimum is 0 at
    the origin. For gradient descent the largest curvature L sets the stable learning rates:
    η < 2/L, and with heavy-ball momentum β, η < 2(1 + β)/L.
    """
    kappa = positive(condition, "condition")
    if kappa < 1:
        raise ValueError(f"Invalid condition: {condition!r}; expected a number ≥ 1")
    L = positive(L, "L")
    mu = L / kappa
    c, s = np.cos(angle), np.sin(angle)
    R = np.array([[c, -s], [s, c]])
    H = R @ np.diag([mu, L]) @ R.T
    a, b, d = H[0, 0], H[0, 1], H[1, 1]

    def f(x, y):
        return 0.5 * (a * x * x + 2 * b * x * y + d * y * y)

    def gradient(x, y):
        return a * x + b * y, b * x + d * y

    # window: the ellipse f = f(start) fits, with room to see an oscillation of the same size
    start = R @ np.array([-0.9 * np.sqrt(kappa), 0.9]) * 2.0
    half = 2.2 * np.sqrt(kappa)
    xlim, ylim = (-half, half), (-2.4, 2.4)
    if angle:
        xlim = ylim = (-half, half)
    f0 = f(*start)
    levels = f0 * np.geomspace(1e-3, 1.0, 9)
    surface = Surface(f"bowl (κ = {kappa:g})", f, gradient, [(0.0, 0.0)], 0.0, xlim, ylim,
                      start, levels, note="f = ½(L/κ·x² + L·y²)")
    surface.H, surface.L, surface.mu, surface.condition = H, L, mu, kappa
    return surface


def rosenbrock(a=1.0, b=100.0):
    """f = (a − x)² + b (y − x²)²: a curved, narrow valley; minimum 0 at (a, a²).

    ∂f/∂x = −2(a − x) − 4 b x (y − x²),   ∂f/∂y = 2 b (y − x²).
    """
    def f(x, y):
        return (a - x) ** 2 + b * (y - x * x) ** 2

    def gradient(x, y):
        r = y - x * x
        return -2 * (a - x) - 4 * b * x * r, 2 * b * r

    return Surface("Rosenbrock", f, gradient, [(a, a * a)], 0.0, (-2.0, 2.0), (-1.0, 3.0),
                   (-1.2, 1.0), np.geomspace(0.05, 2000, 14),
                   note="f = (1 − x)² + 100 (y − x²)²")


def saddle():
    """f = ½ x² + ¼ y⁴ − ½ y²: a saddle point at the origin between two minima (0, ±1), f = −¼.

    ∂f/∂x = x,   ∂f/∂y = y³ − y. Along y = 0 the gradient points at the saddle; only a nonzero
    y lets descent escape, and near y = 0 the way out is flat (∂f/∂y ≈ −y).
    """
    def f(x, y):
        return 0.5 * x * x + 0.25 * y ** 4 - 0.5 * y * y

    def gradient(x, y):
        return x, y ** 3 - y

    return Surface("saddle", f, gradient, [(0.0, 1.0), (0.0, -1.0)], -0.25, (-2.0, 2.0),
                   (-1.6, 1.6), (-1.8, 1e-3), np.linspace(-0.24, 2.0, 15),
                   note="f = ½x² + ¼y⁴ − ½y²")


HIMMELBLAU_MINIMA = [(3.0, 2.0), (-2.805118086952745, 3.131312518250573),
                     (-3.779310253377747, -3.283185991286170), (3.584428340330492, -1.848126526964404)]


def himmelblau():
    """f = (x² + y − 11)² + (x + y² − 7)²: four minima, all with f = 0.

    ∂f/∂x = 4x (x² + y − 11) + 2 (x + y² − 7),   ∂f/∂y = 2 (x² + y − 11) + 4y (x + y² − 7).
    """
    def f(x, y):
        return (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2

    def gradient(x, y):
        u, v = x * x + y - 11, x + y * y - 7
        return 4 * x * u + 2 * v, 2 * u + 4 * y * v

    return Surface("Himmelblau", f, gradient, HIMMELBLAU_MINIMA, 0.0, (-5.0, 5.0), (-5.0, 5.0),
                   (-0.5, 0.5), np.geomspace(0.3, 500, 14),
                   note="f = (x² + y − 11)² + (x + y² − 7)²")


SURFACES = {"bowl": bowl, "rosenbrock": rosenbrock, "saddle": saddle, "himmelblau": himmelblau}


class Function1D:
    """f(x) with f' and f'', a minimiser x_min and a window; L = max |f''| over the window.

    L is the smoothness constant (the largest curvature): gradient descent x ← x − η f'(x) is
    guaranteed to decrease f when η < 2/L, and on a parabola it diverges when η > 2/L.
    """

    def __init__(self, name, f, df, d2f, x_min, xlim, start, formula=""):
        self.name, self.formula = name, formula
        self.f, self.df, self.d2f = f, df, d2f
        self.x_min = float(x_min)
        self.f_min = float(f(self.x_min))
        self.xlim = tuple(xlim)
        self.start = np.array([start], dtype=float)
        x = np.linspace(*self.xlim, 4001)
        self.L = float(np.max(np.abs(d2f(x))))

    def value(self, p):
        return float(self.f(p[0]))

    def grad(self, p):
        return np.array([self.df(p[0])], dtype=float)

    def __repr__(self):
        return f"Function1D({self.name!r}, L={self.L:.4g})"


def parabola(a=1.6, center=1.0, offset=0.5):
    """f(x) = ½ a (x − c)² + d: f' = a (x − c), f'' = a, so L = a and the bound is η < 2/a."""
    a = positive(a, "a")
    return Function1D("parabola", lambda x: 0.5 * a * (x - center) ** 2 + offset,
                      lambda x: a * (x - center),
                      lambda x: np.full_like(np.asarray(x, dtype=float), a),
                      center, (center - 4.0, center + 4.0), center - 3.0,
                      formula=f"f(x) = ½·{a:g}·(x − {center:g})² + {offset:g}")


def wavy_bowl():
    """f(x) = x² + 2 sin x: convex (f'' = 2 − 2 sin x ≥ 0) but not a parabola.

    f' = 2x + 2 cos x, minimum where x = −cos x (x ≈ −0.739). L = max f'' = 4 (at x = −π/2),
    yet the curvature at the minimum is only 2 + 2·0.674 ≈ 3.35: η < 2/L is sufficient, not needed.
    """
    x_min = -0.7390851332151607  # the root of x + cos x = 0 (Dottie number, negated)
    return Function1D("wavy bowl", lambda x: x * x + 2 * np.sin(x), lambda x: 2 * x + 2 * np.cos(x),
                      lambda x: 2 - 2 * np.sin(x), x_min, (-4.0, 3.0), 2.5,
                      formula="f(x) = x² + 2 sin x")


FUNCTIONS_1D = {"parabola": parabola, "wavy bowl": wavy_bowl}


@dataclass
class Run:
    """The outcome of `descend`.

    path: (k + 1, d) points visited (the start included; it ends early at divergence);
    losses: f at each point; gap: losses − f_min; diverged_at: the step at which the run left
    every reasonable bound (None if it did not); converged_at: the first step with gap ≤ tol.
    """

    path: np.ndarray
    losses: np.ndarray
    gap: np.ndarray
    steps: int
    diverged_at: int | None
    converged_at: int | None
    tol: float

    @property
    def final(self):
        return self.path[-1]

    def describe(self):
        """One plain line: converged at step k / diverged at step k / gap after n steps."""
        if self.diverged_at is not None:
            return f"diverged at step {self.diverged_at}"
        if self.converged_at is not None:
            return f"converged (f − f* ≤ {self.tol:.0e}) at step {self.converged_at}"
        return f"not converged after {self.steps} steps: f − f* = {self.gap[-1]:.2e}"


def descend(function, opt, x0, steps, tol=1e-8, blowup=1e6):
    """Run `opt` on `function` (a Surface or Function1D) from x0 for `steps` steps.

    Each step: g = ∇f(p), then opt.step({"p": p}, {"p": g}). The optimizer is reset first.
    The run stops early and records diverged_at = k when, after step k, the point or f is not
    finite or f − f* exceeds `blowup` × max(f(x0) − f*, 1): the same lesson every time
    ("diverged at step k"), with no overflow warning and no NaN handed to the plot.
    """
    p = finite_array(np.array(x0, dtype=float), "x0").copy()
    if p.ndim != 1:
        raise ValueError(f"x0 must be a point (1-D array); got shape {p.shape}")
    if not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"Invalid steps: {steps!r}; expected an integer ≥ 0")
    tol = positive(tol, "tol")
    opt.reset()
    path = np.empty((steps + 1, p.size))
    losses = np.empty(steps + 1)
    path[0], losses[0] = p, function.value(p)
    limit = blowup * max(losses[0] - function.f_min, 1.0)
    diverged_at = None
    converged_at = 0 if losses[0] - function.f_min <= tol else None
    params, f_min = {"p": p}, function.f_min
    n = steps
    with np.errstate(over="ignore", invalid="ignore"):  # overflow here is the lesson
        for k in range(1, steps + 1):
            g = function.grad(p)
            try:
                opt.step(params, {"p": g})   # it refuses a gradient that is NaN or inf
            except ValueError:
                if np.isfinite(g).all():
                    raise
                diverged_at, n = k, k - 1
                break
            # f is a polynomial or smooth function of p: a NaN or inf in p makes f NaN or inf
            loss = function.value(p)
            if not (math.isfinite(loss) and loss - f_min <= limit):
                diverged_at, n = k, k - 1
                break
            path[k], losses[k] = p, loss
            if converged_at is None and loss - f_min <= tol:
                converged_at = k
    path, losses = path[:n + 1], losses[:n + 1]
    return Run(path, losses, losses - function.f_min, steps, diverged_at, converged_at, tol)


def scaled(function, c):
    """The surface c·f (c > 0): same minima and window, gradient c·∇f, contour levels c times.

    Scaling f changes the units of f, not of the parameters: gradient descent's step η·c·∇f is c
    times longer (its η has units of 1/curvature), while Adam's and RMSprop's steps η·ĝ/√v̂ do
    not change (up to ε: their η is a length in the parameters' units). Notebook 03.
    """
    c = positive(c, "c")
    s = Surface(f"{c:g}·{function.name}", lambda x, y: c * function(x, y),
                lambda x, y: tuple(c * d for d in function.gradient(x, y)), function.minima,
                c * function.f_min, function.xlim, function.ylim, function.start,
                c * function.levels, note=f"{c:g} × ({function.note})" if function.note else "")
    for name in ("H", "L", "mu", "condition"):
        if hasattr(function, name):
            value = getattr(function, name)
            setattr(s, name, value if name == "condition" else c * value)
    return s


class DecayingLR:
    """An optimizer whose learning rate falls as η_t = η₀ / √(1 + t/τ) (t = steps taken so
    far), for `descend`: the cure for the adaptive methods' hovering at a constant η.

        run = descend(s, DecayingLR(RMSprop(lr=0.1), tau=10), s.start, steps=3000)

    It sets `opt.lr` before each of `opt`'s steps; reset() also restores η₀.
    """

    def __init__(self, opt, tau=10.0):
        self.opt, self.lr0, self.tau = opt, opt.lr, positive(tau, "tau")

    def reset(self):
        self.opt.reset()
        self.opt.lr = self.lr0

    def lr_at(self, t):
        """η after t steps (the η of step t + 1)."""
        return self.lr0 / math.sqrt(1.0 + t / self.tau)

    def step(self, params, grads):
        self.opt.lr = self.lr_at(self.opt.t)
        self.opt.step(params, grads)

    def __repr__(self):
        return f"DecayingLR({self.opt!r}, tau={self.tau:g})"
