"""A multilayer perceptron in the column convention, trained by the four equations."""
import numpy as np

from . import activations as _activations
from . import batchnorm as _batchnorm
from . import costs as _costs
from ._checks import (InputTypeError, choice, count, describe, flag, labels, loose_array, matrix,
                      positive, seed as _seed, unit_interval)
from ._blas import one_blas_thread
from ._flat import FlatDict
from .backprop import _backprop_fast, _output, feedforward, feedforward_bn

OUTPUTS = ("softmax", "sigmoid", "identity")
MAX_PARAMS = 10 ** 8   # 800 MB of float64 weights: far beyond the course, and beyond memory


class MLP:
    """A fully connected network zˡ = Wˡ aˡ⁻¹ + bˡ, aˡ = σ(zˡ) for l = 1..L.

    sizes: [n⁰, n¹, ..., nᴸ], the width of every layer, input first.
    activation: the hidden layers' σ, a name from activations.HIDDEN.
    output, cost: the last layer's activation and the cost; they must fit each other
        (cross_entropy needs softmax, binary_cross_entropy needs sigmoid).
        A list of L − 1 names gives each hidden layer its own (the source article's digits
        network uses ["sigmoid", "relu"]).
    seed: weights are drawn from N(0, 1/nˡ⁻¹) (N(0, 2/nˡ⁻¹) for the ReLU family) by
        numpy.random.default_rng(seed), seed an integer ≥ 0 (None: a random one); biases start
        at 0.
    batch_norm: False (default), True for BatchNorm between zˡ and the activation of every
        hidden layer, or "all" to normalize the output layer's z too (as the source article
        does). A BN layer has parameters γˡ (ones) and βˡ (zeros), shape (nˡ, 1).
    bn_momentum, bn_eps: the running averages' momentum and BatchNorm's ε (batchnorm.py).
    dtype: "float64" (default; gradient checks need it) or "float32", which trains about 1.2×
        (batches of 64) to 2× (full batch) faster here; parameters, inputs and every
        intermediate array then have that type (the same initial weights, rounded).

    net.params is {"W1": (n¹, n⁰), "b1": (n¹, 1), ..., "WL", "bL"} plus "gamma1", "beta1", ...
    for the BN layers; an optimizer updates it. (Its arrays are views into one array, so that an
    optimizer can update them all with one call per operation: _flat.py.) The running
    statistics are not trained by the optimizer, so they live apart, in net.bn_state
    {"mean1": (n¹, 1), "var1": (n¹, 1), ...}.
    forward/predict/accuracy use them (inference); `forward(X, train=True)` and `backprop` use
    the batch's statistics.

    The methods that compute run with one BLAS thread and restore numpy's setting on return
    (_blas.py): the matrices are small, and threads fighting over them cost more than they give.

    >>> net = MLP([2, 3, 2], seed=0)
    >>> net.forward(np.zeros((2, 5))).shape
    (2, 5)
    """

    def __init__(self, sizes, activation="sigmoid", output="softmax", cost="cross_entropy", seed=0,
                 batch_norm=False, bn_momentum=_batchnorm.MOMENTUM, bn_eps=_batchnorm.EPS,
                 dtype="float64"):
        if sizes is None or isinstance(sizes, (str, bytes, dict)) or not hasattr(sizes, "__iter__"):
            raise InputTypeError(f"sizes must be a list of layer widths, input first, e.g. "
                                 f"[64, 32, 10]; got {describe(sizes)}")
        sizes = list(sizes)
        if len(sizes) < 2:
            raise ValueError(f"sizes {sizes} has {len(sizes)} layer(s); expected at least two "
                             "(an input and an output layer)")
        for n in sizes:
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
                raise ValueError(f"sizes {sizes} contains {n!r}; every width must be an integer > 0")
        n_weights = sum(int(a) * int(b) + int(b) for a, b in zip(sizes[:-1], sizes[1:]))
        if n_weights > MAX_PARAMS:
            raise ValueError(f"sizes {sizes} need {n_weights:.3g} weights and biases; expected at "
                             f"most {MAX_PARAMS:.0e} (that would not fit in memory)")
        if isinstance(activation, str):
            hidden_names = [activation] * (len(sizes) - 2)
        elif isinstance(activation, (list, tuple)):
            hidden_names = list(activation)
        else:
            raise InputTypeError(f"activation must be a name such as 'relu', or a list of "
                                 f"{len(sizes) - 2} names (one per hidden layer); "
                                 f"got {describe(activation)}")
        if len(hidden_names) != len(sizes) - 2:
            raise ValueError(f"activation {activation!r} names {len(hidden_names)} layer(s); "
                             f"expected one name, or a list of {len(sizes) - 2} (one per hidden layer)")
        for name in hidden_names:
            choice(name, _activations.HIDDEN, "activation")
        if not (isinstance(batch_norm, (bool, np.bool_)) or (isinstance(batch_norm, str)
                                                            and batch_norm == "all")):
            raise ValueError(f"batch_norm {batch_norm!r}; expected False, True (hidden layers) "
                             "or 'all' (the output layer too)")
        batch_norm = "all" if isinstance(batch_norm, str) else bool(batch_norm)
        choice(output, OUTPUTS, "output activation")
        if str(np.dtype(dtype) if isinstance(dtype, type) else dtype) not in ("float32", "float64"):
            raise ValueError(f"Invalid dtype: {dtype!r}; expected 'float32' or 'float64'")
        self.dtype = np.dtype(dtype)
        self.cost = _costs.get(cost)
        if output not in self.cost.outputs:
            raise ValueError(f"cost {cost!r} does not fit output {output!r}; "
                             f"expected output in {list(self.cost.outputs)}")
        self.sizes = [int(n) for n in sizes]
        self.L = len(sizes) - 1
        self.activation, self.output = activation, output
        self.activations = [None] + [_activations.get(n) for n in hidden_names] \
            + [_activations.get(output)]
        self.batch_norm = batch_norm
        last = self.L if batch_norm == "all" else self.L - 1
        self.bn_layers = set(range(1, last + 1)) if batch_norm else set()
        self.bn_momentum = unit_interval(bn_momentum, "bn_momentum")
        self.bn_eps = positive(bn_eps, "bn_eps")
        rng = np.random.default_rng(_seed(seed))
        self.params, self.bn_state = {}, {}
        for l in range(1, self.L + 1):
            n_in, n_out = self.sizes[l - 1], self.sizes[l]
            gain = 2.0 if l < self.L and hidden_names[l - 1] in ("relu", "leaky_relu") else 1.0
            self.params[f"W{l}"] = rng.normal(0.0, np.sqrt(gain / n_in), size=(n_out, n_in))
            self.params[f"b{l}"] = np.zeros((n_out, 1))
        for l in sorted(self.bn_layers):
            n = self.sizes[l]
            self.params[f"gamma{l}"], self.params[f"beta{l}"] = np.ones((n, 1)), np.zeros((n, 1))
            self.bn_state[f"mean{l}"], self.bn_state[f"var{l}"] = np.zeros((n, 1)), np.ones((n, 1))
        for k in self.bn_state:
            self.bn_state[k] = self.bn_state[k].astype(self.dtype)
        # the parameters as views into one array, so an optimizer updates them all at once
        # (_flat.py); to anyone else a dict
        self.params = FlatDict.packed(self.params, self.dtype)

    def __repr__(self):
        bn = f", batch_norm={self.batch_norm!r}" if self.batch_norm else ""
        dt = f", dtype={self.dtype.name!r}" if self.dtype != np.float64 else ""
        return (f"MLP({self.sizes}, activation={self.activation!r}, output={self.output!r}, "
                f"cost={self.cost.name!r}{bn}{dt})")

    def n_params(self):
        """Number of trainable numbers per parameter, {name: count}."""
        return {k: int(v.size) for k, v in self.params.items()}

    # -- input checks --------------------------------------------------------------------
    def check_X(self, X, name="X"):
        """X as a finite array of shape (n⁰, m), m ≥ 1, and the network's dtype, or a ValueError."""
        return self._cast(matrix(X, name, rows=self.sizes[0], min_cols=1), name)

    def check_Y(self, Y, m, name="Y"):
        """Y as an (nᴸ, m) array. Integer labels of shape (m,) are one-hot encoded. Targets must
        fit the cost (cost.check_targets): cross_entropy wants columns of probabilities (≥ 0,
        summing to 1), binary_cross_entropy entries in [0, 1], quadratic any finite numbers."""
        n_out = self.sizes[-1]
        arr = loose_array(Y, name)     # None if ragged: matrix() below says so
        if arr is not None and arr.ndim == 1:
            if arr.shape[0] != m:
                raise ValueError(f"labels have shape {arr.shape}; expected ({m},), one per column of X")
            return one_hot(labels(arr, n_out, "labels"), n_out).astype(self.dtype, copy=False)
        Y = self.cost.check_targets(matrix(Y, name, rows=n_out, cols=m), name)
        return self._cast(Y, name)

    def _cast(self, A, name):
        """A in the network's dtype; finite numbers beyond float32's range are refused, not
        turned into inf."""
        if A.dtype == self.dtype:
            return A
        with np.errstate(over="ignore", invalid="ignore"):
            cast = A.astype(self.dtype)
        if cast.dtype.itemsize < A.dtype.itemsize and not np.all(np.isfinite(cast)):
            big = float(np.max(np.abs(A)))
            raise ValueError(f"{name} holds values up to {big:.3g}, beyond {self.dtype.name}'s range "
                             f"(±{float(np.finfo(self.dtype).max):.3g}); this network computes in "
                             f"{self.dtype.name} (MLP(dtype={self.dtype.name!r})): rescale {name}, "
                             "or use dtype='float64'")
        return cast

    def _check_batch(self, X, what):
        """BatchNorm in training mode needs a batch of at least 2 examples."""
        if self.bn_layers and X.shape[1] < 2:
            raise ValueError(f"X has shape {X.shape}: a batch of one example; {what} with "
                             "BatchNorm uses the batch's statistics and needs at least 2 examples "
                             "(with one, z − μ = 0: every BN layer outputs β and all gradients "
                             "through it are 0; torch refuses it too)")

    # -- the network -----------------------------------------------------------------------
    @one_blas_thread
    def feedforward(self, X, train=False):
        """(zs, activations) for layers 0..L, as in backprop.feedforward.

        With BatchNorm, zs[l] is zˡ before normalization; train=True uses the batch's
        statistics, train=False (default) the running ones. Without BatchNorm `train` changes
        nothing. (train=True on one example is allowed here, to show what it gives: every BN
        unit outputs β. backprop refuses it: all its gradients through BN would be 0.)
        """
        X = self.check_X(X)
        train = flag(train, "train")
        if not self.bn_layers:
            return feedforward(self.params, X, self.activations)
        zs, _, acts, _ = feedforward_bn(self.params, X, self.activations, self.bn_layers,
                                        self.bn_state, train=train, eps=self.bn_eps)
        return zs, acts

    @one_blas_thread
    def forward(self, X, train=False):
        """Output activations aᴸ, shape (nᴸ, m), for inputs X of shape (n⁰, m).

        Inference by default; train=True normalizes with the batch's own statistics.
        (feedforward's last activations, computed without keeping the others.)
        """
        return self._output(self.check_X(X), flag(train, "train"))

    def _output(self, X, train=False, with_z=False):
        """forward for inputs already checked; with_z: (aᴸ, zᴸ), zᴸ after BatchNorm if any."""
        return _output(self.params, X, self.activations, self.bn_layers, self.bn_state,
                       train=train, eps=self.bn_eps, with_z=with_z)

    @one_blas_thread
    def backprop(self, X, Y, update_stats=False):
        """(C, grads): the mean cost on the batch and ∂C/∂θ for every θ in params.

        X: (n⁰, m); Y: (nᴸ, m) targets or (m,) integer labels. With BatchNorm the batch's
        statistics are used (training mode), so m must be at least 2. Changes nothing, except
        with update_stats=True (what a training step does): then the running statistics in
        bn_state move towards this batch's by bn_momentum.
        """
        X = self.check_X(X)
        update_stats = flag(update_stats, "update_stats")
        self._check_batch(X, "backprop")
        return self._backprop(X, self.check_Y(Y, X.shape[1]), update_stats)

    def _backprop(self, X, Y, update_stats=False):
        """backprop for inputs already checked (the training loop checks them once). It runs
        backprop.backprop, or backprop_bn with BatchNorm, in their fast form _backprop_fast: the
        same numbers to the last bit."""
        C, grads, caches = _backprop_fast(self.params, X, Y, self.activations, self.cost,
                                          self.bn_layers, eps=self.bn_eps)
        if update_stats and self.bn_layers:
            for l in self.bn_layers:
                _batchnorm._update_running(self.bn_state[f"mean{l}"], self.bn_state[f"var{l}"],
                                          caches[l], self.bn_momentum)
        return C, grads

    @one_blas_thread
    def cost_value(self, X, Y, train=False):
        """The mean cost C on (X, Y); train=True: with the batch's BatchNorm statistics, the
        cost that backprop differentiates."""
        X = self.check_X(X)
        Y = self.check_Y(Y, X.shape[1])
        train = flag(train, "train")
        if not self.bn_layers:
            zs, acts = feedforward(self.params, X, self.activations)
            return self.cost.value(acts[-1], Y, zs[-1])
        _, z_bns, acts, _ = feedforward_bn(self.params, X, self.activations, self.bn_layers,
                                           self.bn_state, train=train, eps=self.bn_eps)
        return self.cost.value(acts[-1], Y, z_bns[-1])

    PREDICT_BLOCK = 2000
    """columns per forward pass in `predict` (columns are independent at inference): the whole
    training set of the digits (1500) in one, which was faster here than three blocks of 500
    once freed arrays of that size stay in the process (_memory.py); bounded so that a large X
    needs no large temporary arrays."""

    @one_blas_thread
    def predict(self, X):
        """Class index of the largest output for each column of X, shape (m,)."""
        return self._predict(self.check_X(X))

    def _predict(self, X):
        """predict for inputs already checked."""
        b = self.PREDICT_BLOCK
        return np.concatenate([np.argmax(self._output(X[:, i:i + b]), axis=0)
                               for i in range(0, X.shape[1], b)])

    @one_blas_thread
    def accuracy(self, X, y):
        """Fraction of columns of X whose predicted class equals the label y, shape (m,)."""
        X = self.check_X(X)
        y = labels(y, self.sizes[-1], "y")
        if y.shape[0] != X.shape[1]:
            raise ValueError(f"y has shape {y.shape}; expected ({X.shape[1]},), one label per "
                             f"column of X")
        return float(np.mean(self.predict(X) == y))


def one_hot(y, k):
    """Integer labels y (m,) in 0..k−1 → one-hot columns, shape (k, m)."""
    k = count(k, "k (the number of classes)")
    y = labels(y, k, "y")
    if k * y.size > MAX_PARAMS:
        raise ValueError(f"one_hot of {y.size} labels with k={k} classes would have {k * y.size:.3g} "
                         f"entries; expected at most {MAX_PARAMS:.0e} (is k the number of classes?)")
    Y = np.zeros((k, y.size))
    Y[y, np.arange(y.size)] = 1.0
    return Y
