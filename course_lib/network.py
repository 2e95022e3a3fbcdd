"""A multilayer perceptron in the column convention, trained by the four equations."""
import numpy as np

from . import activations as _activations
from . import costs as _costs
from ._checks import choice, labels, matrix
from .backprop import backprop, feedforward

OUTPUTS = ("softmax", "sigmoid", "identity")


class MLP:
    """A fully connected network zˡ = Wˡ aˡ⁻¹ + bˡ, aˡ = σ(zˡ) for l = 1..L.

    sizes: [n⁰, n¹, ..., nᴸ], the width of every layer, input first.
    activation: the hidden layers' σ, a name from activations.HIDDEN.
    output, cost: the last layer's activation and the cost; they must fit each other
        (cross_entropy needs softmax, binary_cross_entropy needs sigmoid).
    seed: weights are drawn from N(0, 1/nˡ⁻¹) (N(0, 2/nˡ⁻¹) for the ReLU family) by
        numpy.random.default_rng(seed); biases start at 0.

    net.params is {"W1": (n¹, n⁰), "b1": (n¹, 1), ..., "WL", "bL"}; an optimizer updates it.

    >>> net = MLP([2, 3, 2], seed=0)
    >>> net.forward(np.zeros((2, 5))).shape
    (2, 5)
    """

    def __init__(self, sizes, activation="sigmoid", output="softmax", cost="cross_entropy", seed=0):
        sizes = list(sizes)
        if len(sizes) < 2:
            raise ValueError(f"sizes {sizes} has {len(sizes)} layer(s); expected at least two "
                             "(an input and an output layer)")
        for n in sizes:
            if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n <= 0:
                raise ValueError(f"sizes {sizes} contains {n!r}; every width must be an integer > 0")
        choice(activation, _activations.HIDDEN, "activation")
        choice(output, OUTPUTS, "output activation")
        self.cost = _costs.get(cost)
        if output not in self.cost.outputs:
            raise ValueError(f"cost {cost!r} does not fit output {output!r}; "
                             f"expected output in {list(self.cost.outputs)}")
        self.sizes = [int(n) for n in sizes]
        self.L = len(sizes) - 1
        self.activation, self.output = activation, output
        hidden, out = _activations.get(activation), _activations.get(output)
        self.activations = [None] + [hidden] * (self.L - 1) + [out]
        rng = np.random.default_rng(seed)
        gain = 2.0 if activation in ("relu", "leaky_relu") else 1.0
        self.params = {}
        for l in range(1, self.L + 1):
            n_in, n_out = self.sizes[l - 1], self.sizes[l]
            self.params[f"W{l}"] = rng.normal(0.0, np.sqrt(gain / n_in), size=(n_out, n_in))
            self.params[f"b{l}"] = np.zeros((n_out, 1))

    def __repr__(self):
        return (f"MLP({self.sizes}, activation={self.activation!r}, output={self.output!r}, "
                f"cost={self.cost.name!r})")

    def n_params(self):
        """Number of trainable numbers per parameter, {name: count}."""
        return {k: int(v.size) for k, v in self.params.items()}

    # -- input checks --------------------------------------------------------------------
    def check_X(self, X):
        """X as a finite float array of shape (n⁰, m), or a ValueError."""
        return matrix(X, "X", rows=self.sizes[0])

    def check_Y(self, Y, m):
        """Y as an (nᴸ, m) array. Integer labels of shape (m,) are one-hot encoded."""
        n_out = self.sizes[-1]
        arr = np.asarray(Y)
        if arr.ndim == 1:
            if arr.shape[0] != m:
                raise ValueError(f"labels have shape {arr.shape}; expected ({m},), one per column of X")
            return one_hot(labels(arr, n_out), n_out)
        Y = matrix(Y, "Y", rows=n_out, cols=m)
        return Y

    # -- the network -----------------------------------------------------------------------
    def feedforward(self, X):
        """(zs, activations) for layers 0..L, as in backprop.feedforward."""
        return feedforward(self.params, self.check_X(X), self.activations)

    def forward(self, X):
        """Output activations aᴸ, shape (nᴸ, m), for inputs X of shape (n⁰, m)."""
        return self.feedforward(X)[1][-1]

    def backprop(self, X, Y):
        """(C, grads): the mean cost on the batch and ∂C/∂θ for every θ in params.

        X: (n⁰, m); Y: (nᴸ, m) targets or (m,) integer labels. Changes nothing.
        """
        X = self.check_X(X)
        Y = self.check_Y(Y, X.shape[1])
        return backprop(self.params, X, Y, self.activations, self.cost)

    def cost_value(self, X, Y):
        """The mean cost C on (X, Y)."""
        X = self.check_X(X)
        Y = self.check_Y(Y, X.shape[1])
        zs, acts = feedforward(self.params, X, self.activations)
        return self.cost.value(acts[-1], Y, zs[-1])

    def predict(self, X):
        """Class index of the largest output for each column of X, shape (m,)."""
        return np.argmax(self.forward(X), axis=0)

    def accuracy(self, X, y):
        """Fraction of columns of X whose predicted class equals the label y."""
        y = labels(y, self.sizes[-1])
        return float(np.mean(self.predict(X) == y))


def one_hot(y, k):
    """Integer labels y (m,) in 0..k−1 → one-hot columns, shape (k, m)."""
    y = labels(y, k)
    Y = np.zeros((k, y.size))
    Y[y, np.arange(y.size)] = 1.0
    return Y
