"""Optimizers: one API for a point on a contour plot and for a whole network.

    opt = Adam(lr=0.01)
    opt.step(params, grads)       # params: {name: array}, updated in place; grads: same keys

State is kept per parameter name in `opt.state[name]` (a dict of arrays you can inspect) and
the step count in `opt.t`; `opt.reset()` forgets both. The update rules are those documented
for torch.optim (no weight decay, no dampening), written here in the course's symbols:
θ parameters, g = ∂C/∂θ, η = lr, t = step number starting at 1.
"""
import math

import numpy as np

from ._checks import positive, unit_interval


class Optimizer:
    """Shared bookkeeping: validation of lr, per-parameter state, step count."""

    def __init__(self, lr):
        self.lr = positive(lr, "learning rate (lr)")
        self.state = {}
        self.t = 0

    def reset(self):
        """Forget all state (velocities, running averages, step count)."""
        self.state = {}
        self.t = 0

    def step(self, params, grads):
        """Apply one update to every array in `params`, in place, using `grads`."""
        grads_checked = {}
        for name, theta in params.items():
            if name not in grads:
                raise ValueError(f"no gradient for parameter {name!r}; grads has {sorted(grads)}")
            g = grads_checked[name] = np.asarray(grads[name], dtype=theta.dtype)
            if g.shape != theta.shape:
                raise ValueError(f"gradient for {name!r} has shape {g.shape}; "
                                 f"expected {theta.shape} like the parameter")
            if not np.isfinite(g).all():
                raise ValueError(f"gradient for {name!r} contains NaN or inf at step {self.t + 1}; "
                                 "expected finite numbers (has the run diverged?)")
        self.t += 1
        for name, theta in params.items():
            self._update(name, theta, grads_checked[name], self.state.setdefault(name, {}))

    def _update(self, name, theta, g, state):
        raise NotImplementedError

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.hyperparameters().items())
        return f"{type(self).__name__}({args})"

    def hyperparameters(self):
        return {"lr": self.lr}


class SGD(Optimizer):
    """Gradient descent, with optional (Nesterov) momentum μ:

        plain:     θ ← θ − η g
        momentum:  b ← μ b + g   (b starts at the first g),   θ ← θ − η b
        nesterov:  b as above,   θ ← θ − η (g + μ b)

    The source article's form v ← μ v + η g, θ ← θ − v is the same method with v = η b.
    State: state[name]["momentum_buffer"] = b.
    """

    def __init__(self, lr, momentum=0.0, nesterov=False):
        super().__init__(lr)
        self.momentum = unit_interval(momentum, "momentum")
        if nesterov and self.momentum == 0.0:
            raise ValueError("Nesterov momentum requires a momentum > 0; got momentum=0.0")
        self.nesterov = bool(nesterov)

    def hyperparameters(self):
        return {"lr": self.lr, "momentum": self.momentum, "nesterov": self.nesterov}

    def _update(self, name, theta, g, state):
        if self.momentum:
            if "momentum_buffer" not in state:
                state["momentum_buffer"] = g.copy()
            else:
                state["momentum_buffer"] *= self.momentum
                state["momentum_buffer"] += g
            buf = state["momentum_buffer"]
            g = g + self.momentum * buf if self.nesterov else buf
        theta -= self.lr * g


class AdaGrad(Optimizer):
    """Per-coordinate steps shrinking with the gradients seen so far:

        G ← G + g²,   θ ← θ − η g / (√G + ε)

    State: state[name]["sum"] = G.
    """

    def __init__(self, lr, eps=1e-10):
        super().__init__(lr)
        self.eps = positive(eps, "eps")

    def hyperparameters(self):
        return {"lr": self.lr, "eps": self.eps}

    def _update(self, name, theta, g, state):
        if "sum" not in state:
            state["sum"] = np.zeros_like(theta)
        G = state["sum"]
        G += g * g
        theta -= self.lr * g / (np.sqrt(G) + self.eps)


class RMSprop(Optimizer):
    """AdaGrad that forgets: a running mean of g² with decay α,

        v ← α v + (1 − α) g²   (v starts at 0),   θ ← θ − η g / (√v + ε)

    State: state[name]["square_avg"] = v.
    """

    def __init__(self, lr, alpha=0.99, eps=1e-8):
        super().__init__(lr)
        self.alpha = unit_interval(alpha, "alpha")
        self.eps = positive(eps, "eps")

    def hyperparameters(self):
        return {"lr": self.lr, "alpha": self.alpha, "eps": self.eps}

    def _update(self, name, theta, g, state):
        if "square_avg" not in state:
            state["square_avg"] = np.zeros_like(theta)
        v = state["square_avg"]
        v *= self.alpha
        v += (1.0 - self.alpha) * g * g
        theta -= self.lr * g / (np.sqrt(v) + self.eps)


class Adam(Optimizer):
    """Momentum and RMSprop together, with bias correction by the step count t:

        m ← β₁ m + (1 − β₁) g,        v ← β₂ v + (1 − β₂) g²      (both start at 0)
        m̂ = m / (1 − β₁ᵗ),            v̂ = v / (1 − β₂ᵗ)
        θ ← θ − η m̂ / (√v̂ + ε)

    bias_correction=False drops the two divisions (to show why they are needed).
    State: state[name]["m"], state[name]["v"]; the step count is opt.t.
    """

    def __init__(self, lr, betas=(0.9, 0.999), eps=1e-8, bias_correction=True):
        super().__init__(lr)
        try:
            beta1, beta2 = betas
        except (TypeError, ValueError):
            raise ValueError(f"Invalid betas: {betas!r}; expected a pair (beta1, beta2)") from None
        self.betas = (unit_interval(beta1, "beta1 (betas[0])"), unit_interval(beta2, "beta2 (betas[1])"))
        self.eps = positive(eps, "eps")
        self.bias_correction = bool(bias_correction)

    def hyperparameters(self):
        return {"lr": self.lr, "betas": self.betas, "eps": self.eps,
                "bias_correction": self.bias_correction}

    def _update(self, name, theta, g, state):
        beta1, beta2 = self.betas
        if "m" not in state:
            state["m"], state["v"] = np.zeros_like(theta), np.zeros_like(theta)
        m, v = state["m"], state["v"]
        m *= beta1
        m += (1.0 - beta1) * g
        v *= beta2
        v += (1.0 - beta2) * g * g
        # m̂ / (√v̂ + ε) with the two corrections folded into scalars, as torch.optim does:
        # η m̂ / (√v̂ + ε) = (η / c₁) m / (√v / √c₂ + ε),  c₁ = 1 − β₁ᵗ,  c₂ = 1 − β₂ᵗ
        c1, c2 = (1.0 - beta1 ** self.t, 1.0 - beta2 ** self.t) if self.bias_correction else (1.0, 1.0)
        denom = np.sqrt(v)
        denom /= math.sqrt(c2)
        denom += self.eps
        theta -= (self.lr / c1) * m / denom


OPTIMIZERS = {"sgd": SGD, "adagrad": AdaGrad, "rmsprop": RMSprop, "adam": Adam}
