"""Exercises of 04_stochastic_gradient_descent: the mini-batch gradient of the notebook's
logistic regression, the number of steps in a run of whole epochs, and the variance of the
mini-batch gradient that the notebook's formula predicts."""
from functools import lru_cache

import numpy as np

from ..activations import sigmoid
from ..optimizers import SGD
from ..stochastic import (TwoFeatureLogistic, digits_model, digits_two_features,
                          gradient_estimate_stats, run_sgd)
from ._core import FunctionExercise, Mistake, NumberExercise

_MODELS = {}


def _model_of(X, y):
    """course_lib's TwoFeatureLogistic on the data (X, y), made once per data set."""
    key = (X.shape, X.tobytes(), np.asarray(y).tobytes())
    if key not in _MODELS:
        _MODELS[key] = TwoFeatureLogistic(X, y)
    return _MODELS[key]


def minibatch_gradient(w, X, y, idx):
    """ĝ = (1/B) Σₖ ∇C_{idx[k]}(w) for logistic regression without a bias (∇Cᵢ = (σ(wᵀxᵢ) − yᵢ)xᵢ),
    by course_lib: TwoFeatureLogistic(X, y).minibatch_gradient(w, idx). Shape (2,)."""
    return _model_of(X, y).minibatch_gradient(w, idx)


@lru_cache(maxsize=1)
def _digits():
    return digits_two_features()


def _gradient_cases(rng):
    X, y = _digits()
    m = X.shape[1]
    w_star = _model_of(X, y).minimum()
    return [(rng.normal(size=2), X, y, rng.integers(0, m, size=8)),        # with replacement
            (w_star, X, y, rng.permutation(m)[:32]),                        # at w*: ĝ ≠ 0 still
            (np.array([-1.5, 2.0]), X, y, np.array([5, 5, 5, 17])),         # an index drawn 3 times
            (rng.normal(size=2), X, y, np.array([42])),                     # B = 1
            (rng.normal(size=2), X, y, rng.integers(0, m, size=100)),
            (np.array([1.0, 1.0]), X, y, np.arange(m))]                     # B = m: ∇C itself


def _by_hand(w, Xb, yb):
    """Σₖ (σ(wᵀxₖ) − yₖ) xₖ over the columns of Xb: the sum of the batch's gradients."""
    return Xb @ (sigmoid(w @ Xb) - yb)


@lru_cache(maxsize=1)
def _model():
    return digits_model()


def _steps_of_ten_epochs():
    """The steps run_sgd takes for epochs=10, B=50 on the notebook's model (m = 357)."""
    return run_sgd(_model(), SGD(lr=1.0), epochs=10, B=50, seed=0).steps


def _variance_ratio(small=8, large=32, replacement=False):
    """E‖ĝ − ∇C‖² at B = large over that at B = small, at the notebook's start, each as
    gradient_estimate_stats predicts it (σ² cancels)."""
    model = _model()
    small_, large_ = (gradient_estimate_stats(model, model.start, B, draws=2, rng=0,
                                              replacement=replacement).predicted
                      for B in (small, large))
    return large_ / small_


EXERCISES = [
    FunctionExercise(
        "04.1", "the mini-batch gradient",
        hints=["Take the batch's columns Xb = X[:, idx] and labels y[idx] (numpy indexing keeps "
               "repeated indices), then average their gradients ∇Cᵢ = (pᵢ − yᵢ) xᵢ.",
               "All B at once: p = σ(wᵀXb) is a row of B probabilities, and Xb @ (p − yb) is "
               "the sum Σₖ (pₖ − yₖ) xₖ, shape (2,).",
               "ĝ is a mean: divide that sum by B = len(idx), once (not by m, the size of the "
               "whole data set)."],
        reference=minibatch_gradient, cases=_gradient_cases, rtol=1e-10, names=("ĝ",),
        mistakes=[
            Mistake(lambda w, X, y, idx: _by_hand(w, X[:, idx], y[idx]),
                    "off by the batch size B: that is the sum of the B gradients; ĝ is their "
                    "mean, so divide by B = len(idx)"),
            Mistake(lambda w, X, y, idx: _by_hand(w, X[:, idx], y[idx]) / len(idx) ** 2,
                    "divided by the batch size twice (B² in all): the mean divides the sum by B "
                    "once"),
            Mistake(lambda w, X, y, idx: _by_hand(w, X[:, idx], y[idx]) / X.shape[1],
                    "divided by m, the number of all examples; the mean is over the batch: "
                    "divide by B = len(idx)"),
            Mistake(lambda w, X, y, idx: minibatch_gradient(w, X, y, np.unique(idx)),
                    "an index drawn twice counts twice (sampling with replacement): use "
                    "X[:, idx] and y[idx] as they are, without removing repeats"),
            Mistake(lambda w, X, y, idx: -minibatch_gradient(w, X, y, idx),
                    "the sign: ∇Cᵢ = (pᵢ − yᵢ) xᵢ with pᵢ = σ(wᵀxᵢ); (yᵢ − pᵢ) xᵢ points "
                    "downhill"),
            Mistake(lambda w, X, y, idx: minibatch_gradient(w, X, y, np.arange(X.shape[1])),
                    "that is the full gradient ∇C over all m examples: use only the columns "
                    "idx")]),
    NumberExercise(
        "04.2", "the steps of ten epochs",
        hints=["An epoch is one pass over the m = 357 images in batches of B.",
               "The last batch of an epoch is shorter when B does not divide m, and it is "
               "kept: ⌈m/B⌉ steps per epoch.",
               "⌈357/50⌉ = 8 steps per epoch (seven of 50, one of 7), ten times."],
        reference=_steps_of_ten_epochs, rtol=0,
        mistakes=[Mistake(70, "the last, shorter batch of each epoch (7 images) is a step too: "
                              "round m/B up, ⌈357/50⌉ = 8"),
                  Mistake(72, "every epoch ends with its own short batch: round up per epoch "
                              "(8 steps), then multiply by 10"),
                  Mistake(3570, "that counts example gradients; a step uses a whole batch of B")]),
    NumberExercise(
        "04.3", "the variance of ĝ from B = 8 to B = 32",
        hints=["The notebook gives E‖ĝ − ∇C‖² for batches drawn without replacement: σ² "
               "cancels in the ratio, B and m do not.",
               "Without replacement the variance is σ²/B · (m − B)/(m − 1): the 1/B law times "
               "the finite-population correction.",
               "(σ²/32 · 325/356) / (σ²/8 · 349/356) = (8/32) · (325/349)."],
        reference=_variance_ratio, rtol=1e-6,
        mistakes=[Mistake(8 / 32, "8/32 is the 1/B law with replacement; without replacement "
                                  "each B also brings its factor (m − B)/(m − 1)"),
                  Mistake(0.5, "the standard deviation falls like 1/√B; the question asks "
                               "for the variance, which falls about like 1/B"),
                  Mistake(32 / 8 * 349 / 325, "that ratio is upside down: the variance at "
                                              "B = 32 divided by the variance at B = 8 is "
                                              "below 1")]),
]
