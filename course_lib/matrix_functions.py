"""Gradients of matrix functions by backpropagation: treat F(X) as a small network (UFLDL, seed 004).

A `MatrixNetwork` is a chain of layers l = 1..L. Layer 1 receives the input, z⁽¹⁾ = input; every
layer applies an element-wise f⁽ˡ⁾, a⁽ˡ⁾ = f⁽ˡ⁾(z⁽ˡ⁾); between layers a weight matrix,
z⁽ˡ⁺¹⁾ = W⁽ˡ⁾ a⁽ˡ⁾ (W = I when the weight is None); the output is J = Σ (all entries of a⁽ᴸ⁾).
Backpropagation then reads, exactly as BP1, BP2, BP4:

    δ⁽ᴸ⁾ = f⁽ᴸ⁾'(z⁽ᴸ⁾)                              (∂J/∂a⁽ᴸ⁾ = 1 everywhere)
    δ⁽ˡ⁾ = ((W⁽ˡ⁾)ᵀ δ⁽ˡ⁺¹⁾) ⊙ f⁽ˡ⁾'(z⁽ˡ⁾)
    ∇_{W⁽ˡ⁾} J = δ⁽ˡ⁺¹⁾ (a⁽ˡ⁾)ᵀ,        ∇_input J = δ⁽¹⁾

Every quantity is a matrix (one column per example): the columns never mix, so the "network"
simply runs on all columns at once. Norms are Frobenius norms: ‖M‖² = Σᵢⱼ Mᵢⱼ².

The three examples of seed 004, each with its definition made precise:
    SparseCoding         F(A) = ‖A s − x‖² + γ ‖A‖²                   gradient in A (and in s)
    TopographicPenalty   P(s) = Σ_gj √( (V (s ⊙ s))_gj + ε )          gradient in s
    ICAReconstruction    R(W) = ‖Wᵀ W x − x‖²                         gradient in W, used twice
"""
from dataclasses import dataclass

import numpy as np

from ._checks import matrix, positive


_SUPERSCRIPT = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


@dataclass(frozen=True)
class Elementwise:
    """An element-wise activation f with its derivative f' and a printable formula."""

    formula: str
    f: object
    prime: object


IDENTITY = Elementwise("z", lambda z: z, np.ones_like)
SQUARE = Elementwise("z²", lambda z: z * z, lambda z: 2.0 * z)
SQRT = Elementwise("√z", np.sqrt, lambda z: 0.5 / np.sqrt(z))


def shift(c, formula):
    """f(z) = z + c (c a number or a matrix shaped like z), f'(z) = 1."""
    return Elementwise(formula, lambda z: z + c, np.ones_like)


class MatrixNetwork:
    """J(input) = Σ a⁽ᴸ⁾ for the chain described in the module docstring.

    weights: list of L − 1 matrices (None means the identity I), W⁽ˡ⁾ maps layer l to l + 1.
    activations: list of L Elementwise, f⁽¹⁾ … f⁽ᴸ⁾.
    """

    def __init__(self, weights, activations):
        if len(activations) != len(weights) + 1:
            raise ValueError(f"{len(activations)} activations for {len(weights)} weights; "
                             "expected one activation per layer, one more than weights")
        self.weights, self.activations = list(weights), list(activations)

    @property
    def L(self):
        return len(self.activations)

    def forward(self, x):
        """(zs, acts): lists with index 0..L−1 for layers 1..L."""
        zs, acts = [x], [self.activations[0].f(x)]
        for W, act in zip(self.weights, self.activations[1:]):
            z = acts[-1] if W is None else W @ acts[-1]
            zs.append(z)
            acts.append(act.f(z))
        return zs, acts

    def value(self, x):
        """J = Σ a⁽ᴸ⁾."""
        return float(np.sum(self.forward(x)[1][-1]))

    def deltas(self, x):
        """[δ⁽¹⁾, …, δ⁽ᴸ⁾], each shaped like its z⁽ˡ⁾."""
        zs, _ = self.forward(x)
        deltas = [self.activations[-1].prime(zs[-1])]                         # BP1, ∂J/∂a = 1
        for l in range(self.L - 2, -1, -1):
            W = self.weights[l]
            back = deltas[0] if W is None else W.T @ deltas[0]
            deltas.insert(0, back * self.activations[l].prime(zs[l]))         # BP2
        return deltas

    def weight_gradients(self, x):
        """[∇_{W⁽¹⁾} J, …, ∇_{W⁽ᴸ⁻¹⁾} J] = δ⁽ˡ⁺¹⁾ (a⁽ˡ⁾)ᵀ (BP4, summed over the columns);
        None for a fixed identity weight."""
        _, acts = self.forward(x)
        deltas = self.deltas(x)
        return [None if W is None else deltas[l + 1] @ acts[l].T
                for l, W in enumerate(self.weights)]

    def input_gradient(self, x):
        """∇_input J = δ⁽¹⁾ (the input layer's z is the input itself)."""
        return self.deltas(x)[0]

    def describe(self):
        """One line per layer: its activation and the weight leaving it."""
        lines = []
        for l, act in enumerate(self.activations):
            out = "" if l == self.L - 1 else (
                "  → weight I" if self.weights[l] is None else
                f"  → weight of shape {self.weights[l].shape}")
            lines.append(f"layer {l + 1}: f(z) = {act.formula}{out}")
        return "\n".join(lines) + f"\nJ = Σ a⁽{str(self.L).translate(_SUPERSCRIPT)}⁾ (all entries)"


class SparseCoding:
    """Example 1, the sparse-coding objective for the basis A, with s and x fixed:

        F(A) = ‖A s − x‖² + γ ‖A‖²        A: (n, k), s: (k, m) codes, x: (n, m) data

    First term as a network with input s: layer 1 f = z (z⁽¹⁾ = s), weight A; layer 2
    f(z) = z − x; weight I; layer 3 f(z) = z². Backprop gives δ⁽³⁾ = 2(As − x) = δ⁽²⁾, and

        ∇_A F = δ⁽²⁾ (a⁽¹⁾)ᵀ + 2γA = 2 (A s − x) sᵀ + 2γ A          (k columns of A: (n, k))
        ∇_s F = δ⁽¹⁾ = Aᵀ δ⁽²⁾ = 2 Aᵀ (A s − x)                       (the input gradient)

    The second line is what seed 004 writes down as its result: the gradient in the INPUT s,
    not in the weight A it set out to find. Both are here, both are checked.
    """

    def __init__(self, s, x, gamma=0.1):
        self.s = matrix(s, "s (codes, k x m)")
        self.x = matrix(x, "x (data, n x m)", cols=self.s.shape[1])
        self.gamma = float(gamma)
        if not np.isfinite(self.gamma) or self.gamma < 0:
            raise ValueError(f"Invalid gamma: {gamma!r}; expected a finite number >= 0")

    def _A(self, A):
        return matrix(A, "A (basis, n x k)", rows=self.x.shape[0], cols=self.s.shape[0])

    def network(self, A):
        """The first term as a MatrixNetwork whose input is s."""
        return MatrixNetwork([self._A(A), None], [IDENTITY, shift(-self.x, "z − x"), SQUARE])

    def value(self, A, s=None):
        """F(A) (with s replaced by `s` if given)."""
        A = self._A(A)
        s = self.s if s is None else s
        return float(np.sum((A @ s - self.x) ** 2) + self.gamma * np.sum(A * A))

    def gradient(self, A):
        """∇_A F by backprop: δ⁽²⁾ sᵀ from the network, plus 2γA from the second term."""
        A = self._A(A)
        return self.network(A).weight_gradients(self.s)[0] + 2.0 * self.gamma * A

    def gradient_s(self, A):
        """∇_s F = δ⁽¹⁾ = Aᵀ δ⁽²⁾ (the second term does not depend on s)."""
        return self.network(A).input_gradient(self.s)

    def closed_form(self, A):
        """2 (A s − x) sᵀ + 2γ A, written out."""
        A = self._A(A)
        return 2.0 * (A @ self.s - self.x) @ self.s.T + 2.0 * self.gamma * A


class TopographicPenalty:
    """Example 2, the smoothed topographic L1 sparsity penalty on the codes s:

        P(s) = Σ_g Σ_j √( (V (s ⊙ s))_gj + ε )     s: (k, m), V: (G, k) grouping matrix ≥ 0, ε > 0

    s ⊙ s squares each entry; (V (s ⊙ s))_gj = Σ_i V_gi s_ij² is the energy of group g in
    example j, and the sum runs over all G·m such entries. (Seed 004 writes "V s sᵀ"; read
    literally that is a (G, k) matrix whose entries can be negative, so its square root is not
    even defined: the network the seed draws, whose first layer squares element-wise, is
    the definition used here.)

    As a network with input s: layer 1 f = z² (z⁽¹⁾ = s), weight I; layer 2 f = z, weight V;
    layer 3 f(z) = z + ε, weight I; layer 4 f = √z. Backprop gives

        δ⁽⁴⁾ = ½ (V(s⊙s) + ε)^(−½),   δ⁽³⁾ = δ⁽⁴⁾,   δ⁽²⁾ = Vᵀ δ⁽³⁾,   δ⁽¹⁾ = δ⁽²⁾ ⊙ 2s
        ∇_s P = ( Vᵀ (V(s⊙s) + ε)^(−½) ) ⊙ s            (powers element-wise; (k, m))
    """

    def __init__(self, V, eps=1e-2):
        self.V = matrix(V, "V (grouping matrix, G x k)")
        if np.any(self.V < 0):
            raise ValueError(f"V has {int(np.sum(self.V < 0))} negative entries; "
                             "expected a grouping matrix with entries >= 0")
        self.eps = positive(eps, "eps")

    def _s(self, s):
        return matrix(s, "s (codes, k x m)", rows=self.V.shape[1])

    def network(self):
        return MatrixNetwork([None, self.V, None],
                             [SQUARE, IDENTITY, shift(self.eps, "z + ε"), SQRT])

    def value(self, s):
        s = self._s(s)
        return float(np.sum(np.sqrt(self.V @ (s * s) + self.eps)))

    def gradient(self, s):
        """∇_s P = δ⁽¹⁾ by backprop through the four layers."""
        return self.network().input_gradient(self._s(s))

    def closed_form(self, s):
        """(Vᵀ (V(s⊙s) + ε)^(−½)) ⊙ s, written out."""
        s = self._s(s)
        return (self.V.T @ (1.0 / np.sqrt(self.V @ (s * s) + self.eps))) * s


class ICAReconstruction:
    """Example 3, the ICA reconstruction cost, W used twice (tied weights):

        R(W) = ‖Wᵀ W x − x‖²          W: (k, n), x: (n, m)

    As a network with input x: layer 1 f = z, weight W; layer 2 f = z, weight Wᵀ; layer 3
    f(z) = z − x, weight I; layer 4 f = z². Backprop:

        δ⁽⁴⁾ = δ⁽³⁾ = 2 (WᵀWx − x),      δ⁽²⁾ = (Wᵀ)ᵀ δ⁽³⁾ = W δ⁽³⁾
        use 1 (W, layer 1 → 2):   δ⁽²⁾ (a⁽¹⁾)ᵀ = 2 W (WᵀWx − x) xᵀ                     (k, n)
        use 2 (Wᵀ, layer 2 → 3):  δ⁽³⁾ (a⁽²⁾)ᵀ = 2 (WᵀWx − x)(Wx)ᵀ is ∇ in Wᵀ,  (n, k)
                                  transposed:    2 (Wx)(WᵀWx − x)ᵀ in W                 (k, n)
        ∇_W R = use 1 + (use 2)ᵀ

    Why they add: R(W) = R₂(W, W) with R₂(W₁, W₂) = ‖W₂ᵀ W₁ x − x‖², so by the multivariable
    chain rule ∇_W R = ∂R₂/∂W₁ + ∂R₂/∂W₂, both at W₁ = W₂ = W.
    """

    def __init__(self, x):
        self.x = matrix(x, "x (data, n x m)")

    def _W(self, W, name="W"):
        return matrix(W, f"{name} (k x n)", cols=self.x.shape[0])

    def network(self, W1, W2=None):
        """The network with the two uses as separate weights (W2 defaults to W1: tied)."""
        W1 = self._W(W1, "W1")
        W2 = W1 if W2 is None else self._W(W2, "W2")
        return MatrixNetwork([W1, W2.T, None],
                             [IDENTITY, IDENTITY, shift(-self.x, "z − x"), SQUARE])

    def value(self, W):
        W = self._W(W)
        return self.value_untied(W, W)

    def value_untied(self, W1, W2):
        """R₂(W₁, W₂) = ‖W₂ᵀ W₁ x − x‖²: the two uses as independent matrices."""
        W1, W2 = self._W(W1, "W1"), self._W(W2, "W2")
        return float(np.sum((W2.T @ (W1 @ self.x) - self.x) ** 2))

    def gradient_parts(self, W):
        """(through use 1, through use 2), both as (k, n) gradients in W, from backprop."""
        grad_W, grad_WT, _ = self.network(W).weight_gradients(self.x)
        return grad_W, grad_WT.T

    def gradient(self, W):
        """∇_W R: the sum of the two parts."""
        use1, use2 = self.gradient_parts(W)
        return use1 + use2

    def closed_form(self, W):
        """2 W (WᵀWx − x) xᵀ + 2 (Wx)(WᵀWx − x)ᵀ, written out."""
        W = self._W(W)
        r = W.T @ (W @ self.x) - self.x
        return 2.0 * W @ r @ self.x.T + 2.0 * (W @ self.x) @ r.T


# -- the three examples drawn as networks ------------------------------------------------------
# One entry per example: its title, then one (z⁽ˡ⁾, f⁽ˡ⁾) per layer and the weight leaving it
# (None for the last layer); "wrt" names the weight or input whose gradient is sought.
DIAGRAMS = {
    "sparse coding": {
        "title": "sparse coding\n‖As − x‖²",
        "layers": [("s", "f = z", "A"), ("As", "f = z − x", "I"), ("As − x", "f = z²", None)],
        "wrt": ("A", "s"),
    },
    "topographic": {
        "title": "topographic\nΣ√(V(s⊙s) + ε)",
        "layers": [("s", "f = z²", "I"), ("s⊙s", "f = z", "V"), ("V(s⊙s)", "f = z + ε", "I"),
                   ("V(s⊙s) + ε", "f = √z", None)],
        "wrt": ("s",),
    },
    "ICA": {
        "title": "ICA reconstruction\n‖WᵀWx − x‖²",
        "layers": [("x", "f = z", "W"), ("Wx", "f = z", "Wᵀ"), ("WᵀWx", "f = z − x", "I"),
                   ("WᵀWx − x", "f = z²", None)],
        "wrt": ("W", "Wᵀ"),
    },
}

HIGHLIGHT = "#D55E00"   # Okabe–Ito vermillion: what the gradient is taken with respect to
NODE = "#0072B2"        # Okabe–Ito blue: the layers


def draw_network(ax, name):
    """Draw example `name` of DIAGRAMS on the matplotlib axes `ax`, top to bottom: one box per
    layer l (its z⁽ˡ⁾ and its element-wise f⁽ˡ⁾), an arrow per weight W⁽ˡ⁾ (the matrix that
    multiplies a⁽ˡ⁾ to give z⁽ˡ⁺¹⁾), and J = Σ a⁽ᴸ⁾ at the bottom. The weight or input whose
    gradient is sought is drawn in HIGHLIGHT (both uses of a tied weight)."""
    spec = DIAGRAMS[name]
    layers, wrt = spec["layers"], spec["wrt"]
    n, rows = len(layers), max(len(d["layers"]) for d in DIAGRAMS.values())
    ax.set(xlim=(0, 1), ylim=(-rows - 0.35, 0.45))    # the same scale in every panel
    ax.axis("off")
    ax.set_title(spec["title"])
    box = {"boxstyle": "round,pad=0.3", "facecolor": "white", "linewidth": 2}
    for l, (z, f, weight) in enumerate(layers):
        edge = HIGHLIGHT if z in wrt else NODE
        ax.text(0.5, -l, f"{z}\n{f}", ha="center", va="center",
                bbox={**box, "edgecolor": edge})
        ax.text(0.0, -l, str(l + 1), ha="left", va="center", color="0.35")   # layer l
        label = weight if weight is not None else "Σ"
        color = HIGHLIGHT if weight in wrt else "0.25"
        ax.annotate("", xy=(0.5, -l - 0.72), xytext=(0.5, -l - 0.28),
                    arrowprops={"arrowstyle": "-|>", "color": color, "linewidth": 2})
        ax.text(0.58, -l - 0.5, label if weight is None else f"× {label}", ha="left",
                va="center", color=color)
    ax.text(0.5, -n, "J", ha="center", va="center",
            bbox={**box, "edgecolor": "0.25", "boxstyle": "circle,pad=0.25"})
