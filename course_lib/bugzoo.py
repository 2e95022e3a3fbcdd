"""The bug zoo: the known errors of the source article's code (seed 001), each rewritten here as
a small, clearly named buggy variant, and the checks that catch them.

Every variant is OUR code reproducing the mistake, not the article's code. The checks are plain
functions returning a result with `.passed`; the notebook and the tests call the same ones, so a
check that catches a bug in the notebook is the check the test suite relies on.

    bug                                   variant                   caught by
    Adam's bias correction without t      AdamWithoutStepCount      check_adam_constant_gradient
    softmax "gradient" = diagonal only    SoftmaxDiagonalOnly       check_backward (gradient check)
    reported loss ≠ the loss descended    seed_reported_loss        check_output_error
    Nesterov with a clipped gradient      ClippedNesterov           check_first_step

Column convention: z, a, y have shape (n, m), one example per column.
"""
from dataclasses import dataclass

import numpy as np

from . import activations as _activations
from . import costs as _costs
from ._checks import positive
from .data import load_digits
from .gradcheck import Verdict, gradient_check, relative_error
from .network import one_hot
from .optimizers import SGD, Adam


@dataclass(repr=False)
class StepCheck(Verdict):
    """The outcome of a first-steps test: measured vs hand-computed updates.

    measured, expected: arrays of the same shape; rel_error = ‖measured − expected‖ /
    (‖measured‖ + ‖expected‖), the same measure as a gradient check.
    """

    measured: np.ndarray
    expected: np.ndarray
    rel_error: float
    tol: float


def _step_check(measured, expected, tol):
    measured = np.asarray(measured, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    return StepCheck(measured, expected, relative_error(measured, expected), positive(tol, "tol"))


# -- 1. Adam without the step count ------------------------------------------------------------

class AdamWithoutStepCount(Adam):
    """BUGGY Adam: bias correction by (1 − β₁) and (1 − β₂) instead of (1 − β₁ᵗ), (1 − β₂ᵗ):

        m̂ = m / (1 − β₁),   v̂ = v / (1 − β₂),   θ ← θ − η m̂ / (√v̂ + ε)

    Identical to Adam at t = 1 (β¹ = β), wrong from t = 2 on.
    """

    def _update(self, name, theta, g, state):
        beta1, beta2 = self.betas
        m = state.setdefault("m", np.zeros_like(theta))
        v = state.setdefault("v", np.zeros_like(theta))
        m *= beta1
        m += (1.0 - beta1) * g
        v *= beta2
        v += (1.0 - beta2) * g * g
        m_hat, v_hat = m / (1.0 - beta1), v / (1.0 - beta2)   # the bug: no power t
        theta -= self.lr * m_hat / (np.sqrt(v_hat) + self.eps)


def adam_step_ratio(t, betas=(0.9, 0.999)):
    """(step of AdamWithoutStepCount) / (step of Adam) at step t on a constant gradient, ε → 0.

    With g constant, m_t = (1 − β₁ᵗ) g and v_t = (1 − β₂ᵗ) g², so Adam's step is η exactly and
    the buggy one is η · [(1 − β₁ᵗ)/(1 − β₁)] / √[(1 − β₂ᵗ)/(1 − β₂)].
    Tends to √(1 − β₂)/(1 − β₁) as t → ∞ (0.316 for the default betas). t: int or array.
    """
    beta1, beta2 = betas
    t = np.asarray(t, dtype=np.float64)
    return ((1.0 - beta1 ** t) / (1.0 - beta1)) / np.sqrt((1.0 - beta2 ** t) / (1.0 - beta2))


def constant_gradient_steps(opt, g=1.0, steps=10):
    """Run `opt` for `steps` steps on one scalar parameter whose gradient is always g.

    Returns the array of step sizes |θₜ − θₜ₋₁|, t = 1..steps. The optimizer is reset first.
    """
    opt.reset()
    params = {"theta": np.zeros(1)}
    grads = {"theta": np.full(1, float(g))}
    sizes = []
    for _ in range(int(steps)):
        before = params["theta"].copy()
        opt.step(params, grads)
        sizes.append(abs(float(params["theta"][0] - before[0])))
    return np.array(sizes)


def check_adam_constant_gradient(opt, g=1.0, steps=10, tol=1e-6):
    """First-steps test for any Adam: on a constant gradient g, bias-corrected Adam has m̂ = g and
    v̂ = g² at every t, so every step has size exactly η |g| / (|g| + ε).

    Checks steps 1..`steps` (one step is not enough: the missing t is invisible at t = 1).
    """
    measured = constant_gradient_steps(opt, g, steps)
    expected = np.full(int(steps), opt.lr * abs(g) / (abs(g) + opt.eps))
    return _step_check(measured, expected, tol)


# -- 2. softmax whose "gradient" is only the diagonal of its Jacobian ---------------------------

class SoftmaxDiagonalOnly(_activations.Softmax):
    """BUGGY softmax backward: multiplies by p(1 − p), the diagonal of the Jacobian only,

        (∂C/∂z)ⱼ = (∂C/∂a)ⱼ · aⱼ(1 − aⱼ)          instead of   aⱼ (gⱼ − Σₖ aₖ gₖ)

    dropping the off-diagonal terms −aⱼaₖ (every output depends on every input).
    """

    name = "softmax_diagonal_only"

    def jacobian(self, z):
        a = self(np.asarray(z, dtype=np.float64).reshape(-1, 1)).ravel()
        return np.diag(a * (1.0 - a))

    def backward(self, z, grad_a):
        a = self(z)
        return grad_a * a * (1.0 - a)

    def __repr__(self):
        return "<activation softmax, diagonal-only backward (buggy)>"


softmax_diagonal_only = SoftmaxDiagonalOnly()


def check_backward(activation, z, grad_a, h=1e-5, tol=1e-7):
    """Gradient check of `activation.backward` against an upstream gradient grad_a.

    The scalar f(z) = Σ grad_a ⊙ σ(z) has ∇_z f = backward(z, grad_a) exactly, so any upstream
    gradient (random is best: it has no special structure to hide an error) tests the VJP.
    z, grad_a: (n, m) float64. Returns a GradCheck.
    """
    z = np.array(z, dtype=np.float64)
    grad_a = np.asarray(grad_a, dtype=np.float64)
    return gradient_check(lambda zz: float(np.sum(grad_a * activation(zz))), z,
                          activation.backward(z, grad_a), h=h, tol=tol)


def seed_output_error(z, y, softmax=softmax_diagonal_only):
    """The seed's δᴸ: the binary-cross-entropy gradient −y/p + (1 − y)/(1 − p) pushed through a
    softmax backward (the diagonal-only one by default), one column per example. (n, m)."""
    a = softmax(z)
    return softmax.backward(z, _costs.binary_cross_entropy.gradient(a, y))


def categorical_ce_sum(z, y):
    """Σₓ −Σⱼ yⱼ ln softmax(z)ⱼ: the categorical cross-entropy summed over the batch (the loss whose
    gradient in z is a − y per example)."""
    z = np.asarray(z, dtype=np.float64)
    return _costs.cross_entropy.value(_activations.softmax(z), y, z) * z.shape[1]


def seed_reported_loss(z, y):
    """The loss the seed PRINTS: binary cross-entropy of the softmax outputs, summed over all n
    outputs and all m examples: Σₓ Σⱼ −[yⱼ ln pⱼ + (1 − yⱼ) ln(1 − pⱼ)], p = softmax(z)."""
    z = np.asarray(z, dtype=np.float64)
    return _costs.binary_cross_entropy.value(_activations.softmax(z), y) * z.shape[1]


def check_output_error(loss, delta, z, h=1e-5, tol=1e-7):
    """Is `delta` (n, m) the gradient of the scalar `loss(z)` at z? A gradient check."""
    return gradient_check(loss, np.array(z, dtype=np.float64), delta, h=h, tol=tol)


def diagonal_softmax_errors(n=10, draws=1000, scale=1.0, seed=0):
    """Relative error of the diagonal-only backward against the true Jacobian-vector product
    for `draws` random z ~ N(0, scale²) and upstream gradients g ~ N(0, 1), each of shape (n, 1).
    Returns an array of `draws` relative errors (computed exactly, no finite differences)."""
    rng = np.random.default_rng(seed)
    errors = np.empty(int(draws))
    for i in range(int(draws)):
        z = scale * rng.normal(size=(n, 1))
        g = rng.normal(size=(n, 1))
        right = _activations.softmax.backward(z, g)
        wrong = softmax_diagonal_only.backward(z, g)
        errors[i] = np.linalg.norm(right - wrong) / (np.linalg.norm(right) + np.linalg.norm(wrong))
    return errors


# -- 3. Nesterov that clips the gradient --------------------------------------------------------

class ClippedNesterov(SGD):
    """BUGGY Nesterov momentum: the gradient is clipped to [−clip, clip] before the (otherwise
    correct) update b ← β b + ĝ, θ ← θ − η (ĝ + β b), with ĝ = clip(g). Silent whenever |g| ≤ clip,
    wrong (a different direction, not just a shorter step) as soon as some |gᵢ| > clip.
    """

    def __init__(self, lr, momentum=0.9, clip=1.0):
        super().__init__(lr, momentum=momentum, nesterov=True)
        self.clip = positive(clip, "clip")

    def hyperparameters(self):
        return {**super().hyperparameters(), "clip": self.clip}

    def _update(self, name, theta, g, state):
        super()._update(name, theta, np.clip(g, -self.clip, self.clip), state)   # the bug


def nesterov_first_step(theta, g, lr, momentum):
    """The first Nesterov step by hand (torch.optim's rule, buffer b₁ = g):
    θ₁ = θ₀ − η (g + μ g) = θ₀ − η (1 + μ) g."""
    return np.asarray(theta, dtype=np.float64) - lr * (1.0 + momentum) * np.asarray(g, dtype=np.float64)


def check_first_step(opt, params, grads, expected, tol=1e-12):
    """Take one step of a freshly reset `opt` on COPIES of params and compare with the
    hand-computed `expected` {name: array}. Returns a StepCheck over all parameters."""
    opt.reset()
    moved = {k: np.array(v, dtype=np.float64) for k, v in params.items()}
    opt.step(moved, grads)
    names = sorted(params)
    return _step_check(np.concatenate([moved[k].ravel() for k in names]),
                       np.concatenate([np.asarray(expected[k], dtype=np.float64).ravel() for k in names]),
                       tol)


def clipped_fraction(grads, clip=1.0):
    """Fraction of all gradient entries (over every array in the dict) with |g| > clip: the
    entries a clip to [−clip, clip] alters."""
    total = sum(np.size(g) for g in grads.values())
    altered = sum(int(np.count_nonzero(np.abs(g) > clip)) for g in grads.values())
    return altered / total


SEED_SIZES = (64, 32, 16, 10)
SEED_ACTIVATIONS = (None, _activations.sigmoid, _activations.relu, _activations.softmax)
SEED_BN_EPS = 0.01   # the seed's BatchNorm ε


def seed_network(seed=0, batchnorm=True):
    """The seed article's network: Dense 64-32-16-10, each Dense followed by BatchNorm (γ = 1,
    β = 0 at the start, ε = 0.01) and then sigmoid, ReLU, softmax; Wˡ ~ U(−1/√nˡ⁻¹, 1/√nˡ⁻¹),
    bˡ = 0. Column convention. batchnorm=False drops the BatchNorm layers.
    Returns params {"W1": (32, 64), "b1": (32, 1), "gamma1", "beta1": (32, 1), ...}."""
    rng = np.random.default_rng(seed)
    params = {}
    for l in range(1, len(SEED_SIZES)):
        n_in, n_out = SEED_SIZES[l - 1], SEED_SIZES[l]
        limit = 1.0 / np.sqrt(n_in)
        params[f"W{l}"] = rng.uniform(-limit, limit, size=(n_out, n_in))
        params[f"b{l}"] = np.zeros((n_out, 1))
        if batchnorm:
            params[f"gamma{l}"] = np.ones((n_out, 1))
            params[f"beta{l}"] = np.zeros((n_out, 1))
    return params


def _seed_forward(params, X):
    from . import batchnorm as bn   # the course's BatchNorm (notebook 11)
    a, caches = X, []
    for l in range(1, len(SEED_SIZES)):
        z = params[f"W{l}"] @ a + params[f"b{l}"]
        if f"gamma{l}" in params:
            u, cache = bn.forward(z, params[f"gamma{l}"], params[f"beta{l}"], eps=SEED_BN_EPS)
        else:
            u, cache = z, None
        caches.append((a, u, cache))
        a = SEED_ACTIVATIONS[l](u)
    return a, caches


def seed_network_loss(params, X, Y):
    """Σₓ −Σⱼ yⱼ ln aⱼ: the categorical cross-entropy SUMMED over the batch (X: (64, m), Y: (10, m)),
    the loss whose gradient the seed's code actually computes."""
    _, caches = _seed_forward(params, X)
    u = caches[-1][1]
    return -float(np.sum(Y * _activations.softmax.log(u)))


def seed_network_backprop(params, X, Y):
    """∂(seed_network_loss)/∂θ for every θ in params (sums over the batch, as the seed's Dense
    layer computes Xᵀ·δ and Σ δ). {name: array shaped like params[name]}."""
    from . import batchnorm as bn
    a_out, caches = _seed_forward(params, X)
    grads = {}
    delta = a_out - Y                                     # ∂loss/∂u at the softmax, per example
    for l in range(len(SEED_SIZES) - 1, 0, -1):
        a_prev, u, cache = caches[l - 1]
        if l < len(SEED_SIZES) - 1:
            delta = SEED_ACTIVATIONS[l].backward(u, delta)
        if cache is not None:
            delta, grads[f"gamma{l}"], grads[f"beta{l}"] = bn.backward(delta, cache)
        grads[f"W{l}"] = delta @ a_prev.T
        grads[f"b{l}"] = delta.sum(axis=1, keepdims=True)
        delta = params[f"W{l}"].T @ delta
    return {k: grads[k] for k in params}


def seed_network_gradients(seed=0, n_train=1500, batchnorm=True):
    """Gradients of `seed_network(seed, batchnorm)` at initialisation on the seed's training block
    (the first 1500 digits), summed over the batch as in the seed. {name: array}."""
    X, y = load_digits()
    X, Y = X[:, :n_train], one_hot(y[:n_train], SEED_SIZES[-1])
    return seed_network_backprop(seed_network(seed, batchnorm), X, Y)


# -- 4. not a bug: ReLU'(0) ---------------------------------------------------------------------

def is_subgradient(f, x0, c, xs):
    """True if c is a subgradient of the convex function f at x0 on the points xs:
    f(x) ≥ f(x0) + c (x − x0) for every x in xs (up to 1e-12)."""
    xs = np.asarray(xs, dtype=np.float64)
    return bool(np.all(f(xs) >= f(np.float64(x0)) + c * (xs - x0) - 1e-12))
