"""Optimizers: one API for a point on a contour plot and for a whole network.

    opt = Adam(lr=0.01)
    opt.step(params, grads)       # params: {name: array}, updated in place; grads: same keys

params are numpy float arrays, updated in place: a point of the plane is
{"p": np.array([x, y])}, a network's are net.params. A Python float or a list cannot be
changed in place, so it is refused with a TypeError (so are integer arrays, whose in-place
update would truncate). grads: arrays (or lists) of numbers, one per parameter, same shape.

State is kept per parameter name in `opt.state[name]` (a dict of arrays you can inspect) and
the step count in `opt.t`; `opt.reset()` forgets both. That state belongs to one set of
parameters: the first step ties the optimizer to its params, and stepping another set (another
network, whose "W1" would share the first one's momentum) raises ValueError until `reset()`.
The same set is the same dict, or a new dict holding the very same arrays under the same names
(as in a loop writing opt.step({"p": p}, {"p": g})).

The update rules are those documented for torch.optim (no dampening), written here in the
course's symbols: θ parameters, g = ∂C/∂θ, η = lr, t = step number starting at 1.

Weight decay λ (`weight_decay`, every optimizer, default 0) has torch.optim's meaning: before
the update, the gradient becomes g + λθ, the gradient of C + (λ/2)‖θ‖². It is L2
regularisation added to the cost, applied to every parameter the optimizer steps (biases and
BatchNorm's γ, β too, as torch does when all parameters are in one group). For Adam this is
torch's `Adam(weight_decay=λ)`, not AdamW (whose decay bypasses m and v).
"""
import math
from operator import is_

import numpy as np

from ._checks import (InputTypeError, NonFiniteError, describe, flag, inplace_float_array,
                      nonnegative, positive, type_of, unit_interval)
from ._flat import FlatDict

_PARAM_WHY = ("optimizers update parameters in place, so params holds numpy float arrays "
              "(a point of the plane: np.array([x, y]))")


class Optimizer:
    """Shared bookkeeping: validation of lr, per-parameter state, step count, and the one set of
    parameters the state belongs to."""

    def __init__(self, lr, weight_decay=0.0):
        self.lr = lr
        self.weight_decay = nonnegative(weight_decay, "weight_decay")
        self.state = {}
        self.t = 0
        self._params = None   # the parameter set this optimizer steps (set by the first step)
        self._arrays = ()     # its arrays when last checked
        self._flat = None     # (layout, {key: one array}, state) once steps go flat (_flat.py)

    @property
    def lr(self):
        """The learning rate η, a finite number > 0 (checked whenever it is set)."""
        return self._lr

    @lr.setter
    def lr(self, value):
        self._lr = positive(value, "learning rate (lr)")

    def reset(self):
        """Forget all state (velocities, running averages, step count) and the parameters it
        belonged to: the next step may be on any parameters."""
        self.state = {}
        self.t = 0
        self._params, self._arrays = None, ()
        self._flat = None

    def claim(self, params):
        """Check `params` and tie the optimizer to them, as its first step does; a ValueError
        if it already steps another set of parameters (see the module's docstring)."""
        if not self._checked(params):
            self._check_params(params)
            self._params, self._arrays = params, tuple(params.values())

    def _checked(self, params):
        """Are these the very arrays, in the same dict, that the last step checked?"""
        return params is self._params is not None and len(params) == len(self._arrays) \
            and all(map(is_, params.values(), self._arrays))

    def _check_params(self, params):
        if not isinstance(params, dict):
            raise InputTypeError(f"params must be a dict {{name: numpy float array}}; "
                                 f"got {describe(params)}")
        if not params:
            raise ValueError("params is an empty dict; expected at least one parameter array")
        owner = self._params
        if owner is not None and params is not owner and (
                params.keys() != owner.keys() or any(owner[k] is not v for k, v in params.items())):
            raise ValueError(
                f"params is another set of parameters than the one this {type(self).__name__} "
                f"steps (other arrays: names {list(params)[:8]}, against {list(owner)[:8]}): "
                "an optimizer's state (momentum, running averages, step count) belongs to one "
                "set of parameters. Use one optimizer per network, or call reset() to start over")
        for name, theta in params.items():
            if type(theta) is not np.ndarray or theta.dtype.kind != "f" or not theta.flags.writeable:
                inplace_float_array(theta, f"params[{name!r}]", _PARAM_WHY)
            state = self.state.get(name)
            if state:
                shape = next(iter(state.values())).shape
                if shape != theta.shape:
                    raise ValueError(f"params[{name!r}] has shape {theta.shape}, but this "
                                     f"optimizer's state for {name!r} has shape {shape}: the "
                                     "state belongs to other parameters; call reset() first")

    def step(self, params, grads):
        """Apply one update to every array in `params`, in place, using `grads`.

        params: {name: numpy float array}, changed in place; grads: {name: array-like}, the
        same names and shapes. Bad input raises ValueError (TypeError for wrong types), NaN or
        inf in a gradient a NonFiniteError (a ValueError), before anything is changed.
        """
        checked = self._checked(params)
        if checked and self._step_flat(params, grads):
            return
        if not checked:
            self._check_params(params)
        if not isinstance(grads, dict):
            raise InputTypeError(f"grads must be a dict {{name: array}} like params; "
                                 f"got {describe(grads)}")
        grads_checked = {}
        for name, theta in params.items():
            if name not in grads:
                raise ValueError(f"no gradient for parameter {name!r}; grads has {sorted(grads, key=str)}")
            g = grads[name]
            if type(g) is not np.ndarray or g.dtype.kind not in "fiu":
                g = _gradient_array(g, name)
            if g.dtype != theta.dtype:
                with np.errstate(over="ignore", invalid="ignore"):   # inf: refused below
                    g = g.astype(theta.dtype)
            grads_checked[name] = g
            if g.shape != theta.shape:
                raise ValueError(f"gradient for {name!r} has shape {g.shape}; "
                                 f"expected {theta.shape} like the parameter")
            if not np.isfinite(g).all():
                raise NonFiniteError(f"gradient for {name!r} contains NaN or inf at step {self.t + 1}; "
                                     "expected finite numbers (has the run diverged?)")
        if not checked:      # tied to these parameters once the whole step is accepted
            self._params, self._arrays = params, tuple(params.values())
        self.t += 1
        for name, theta in params.items():
            g = grads_checked[name]
            if self.weight_decay:
                g = g + self.weight_decay * theta      # ∂/∂θ of C + (λ/2)‖θ‖²
            self._update(name, theta, g, self.state.setdefault(name, {}))

    def _update(self, name, theta, g, state):
        raise NotImplementedError

    # -- all parameters at once ----------------------------------------------------------
    # A network's params and the gradients its backprop returns are views into one array each,
    # in the same layout (_flat.py). Every update rule below is elementwise, so one _update on
    # the whole arrays gives each parameter exactly what its own _update gives: the same
    # operations on the same numbers (tests/test_flat.py). The state then lives in one array
    # per key too, and state[name][key] are views into it. Taken only after the first step
    # has checked and tied the parameters, and only for the update rules of this module (a
    # subclass that overrides _update may look at `name`).

    def _step_flat(self, params, grads):
        """One step on params.flat with grads.flat, if both are one array of the same layout
        and every gradient is finite; False (nothing done) otherwise."""
        theta, g = getattr(params, "flat", None), getattr(grads, "flat", None)
        if theta is None or g is None or grads.layout is not params.layout \
                or g.dtype != theta.dtype or type(self)._update not in _ELEMENTWISE:
            return False
        if not np.isfinite(g).all():
            return False           # the per-parameter path names the gradient and raises
        state = self._flat_state(params.layout)
        if state is None:
            return False
        self.t += 1
        if self.weight_decay:
            g = g + self.weight_decay * theta          # ∂/∂θ of C + (λ/2)‖θ‖²
        n_keys = len(state)
        self._update(None, theta, g, state)
        if len(state) != n_keys:                       # the first step made the state
            self._view_state(params.layout, state)
        return True

    def _flat_state(self, layout):
        """{key: one array} of the state for the parameters of `layout`: made once from the
        per-parameter state (copied, which then becomes views into it); None if that state
        does not fit (a key for some parameters only)."""
        if self._flat is not None and self._flat[0] is layout and self._flat[2] is self.state:
            return self._flat[1]
        per_name = [self.state.get(name, {}) for name, *_ in layout]
        keys = set(per_name[0])
        if any(set(st) != keys for st in per_name):
            return None
        state = {key: np.concatenate([st[key].ravel() for st in per_name]) for key in keys}
        self._flat = (layout, state, self.state)
        self._view_state(layout, state)
        return state

    def _view_state(self, layout, state):
        views = {key: FlatDict(arr, layout) for key, arr in state.items()}
        for name, *_ in layout:
            self.state[name] = {key: v[name] for key, v in views.items()}

    def __repr__(self):
        settings = self.hyperparameters()
        if self.weight_decay:
            settings["weight_decay"] = self.weight_decay
        args = ", ".join(f"{k}={v!r}" for k, v in settings.items())
        return f"{type(self).__name__}({args})"

    def hyperparameters(self):
        return {"lr": self.lr}


def _gradient_array(g, name):
    """A gradient that is not already a numeric ndarray, as one, or a clear error."""
    label = f"gradient for {name!r}"
    if isinstance(g, np.ma.MaskedArray):
        raise InputTypeError(f"{label} is a numpy masked array; expected a plain array")
    try:
        arr = None if g is None else np.asarray(g)
    except (TypeError, ValueError):
        arr = None
    if arr is None or (arr.dtype.kind == "O" and not isinstance(g, np.ndarray)):
        raise InputTypeError(f"{label} has type {type_of(g)}; expected an array of real numbers")
    if arr.dtype.kind not in "fiu":
        raise InputTypeError(f"{label} has dtype {arr.dtype}; expected an array of real numbers")
    return arr


class SGD(Optimizer):
    """Gradient descent, with optional (Nesterov) momentum β (the course's notation: μ is the
    smallest curvature, never momentum):

        plain:     θ ← θ − η g
        momentum:  b ← β b + g   (b starts at the first g),   θ ← θ − η b
        nesterov:  b as above,   θ ← θ − η (g + β b)

    The source article's form v ← β v + η g, θ ← θ − v is the same method with v = η b.
    State: state[name]["momentum_buffer"] = b.
    """

    def __init__(self, lr, momentum=0.0, nesterov=False, weight_decay=0.0):
        super().__init__(lr, weight_decay)
        self.momentum = unit_interval(momentum, "momentum")
        self.nesterov = flag(nesterov, "nesterov")
        if self.nesterov and self.momentum == 0.0:
            raise ValueError("Nesterov momentum requires a momentum > 0; got momentum=0.0")

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

    def __init__(self, lr, eps=1e-10, weight_decay=0.0):
        super().__init__(lr, weight_decay)
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

    def __init__(self, lr, alpha=0.99, eps=1e-8, weight_decay=0.0):
        super().__init__(lr, weight_decay)
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

    def __init__(self, lr, betas=(0.9, 0.999), eps=1e-8, bias_correction=True,
                 weight_decay=0.0):
        super().__init__(lr, weight_decay)
        try:
            if isinstance(betas, (str, bytes, dict)):
                raise TypeError
            beta1, beta2 = betas
        except (TypeError, ValueError):
            raise ValueError(f"Invalid betas: {betas!r}; expected a pair (beta1, beta2)") from None
        self.betas = (unit_interval(beta1, "beta1 (betas[0])"), unit_interval(beta2, "beta2 (betas[1])"))
        self.eps = positive(eps, "eps")
        self.bias_correction = flag(bias_correction, "bias_correction")

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
_ELEMENTWISE = {SGD._update, AdaGrad._update, RMSprop._update, Adam._update}
