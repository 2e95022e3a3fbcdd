"""Exercises of 12_training_on_digits: a training loop of your own that reaches a stated
accuracy, and the parameter count of the course's network."""
from functools import lru_cache

import numpy as np

from ..data import digits_split
from ..network import MLP
from ..optimizers import SGD
from ._core import FunctionExercise, Mistake, NumberExercise

TARGET = 0.95
"""The validation accuracy the learner's loop must reach (the course's defaults reach about 98 %)."""
EPOCHS, BATCH, LR, MOMENTUM = 8, 64, 0.1, 0.9


def train_loop(net, optimizer, X, Y, epochs, batch_size, seed):
    """Mini-batch training written out: each epoch shuffles the columns, then one backprop and
    one optimizer step per batch; with BatchNorm the running statistics move at every step."""
    rng = np.random.default_rng(seed)
    m = X.shape[1]
    for _ in range(epochs):
        order = rng.permutation(m)
        for start in range(0, m, batch_size):
            batch = order[start:start + batch_size]
            if len(batch) < 2:          # BatchNorm needs two examples or more
                continue
            _, grads = net.backprop(X[:, batch], Y[:, batch], update_stats=True)
            optimizer.step(net.params, grads)


@lru_cache(maxsize=1)
def _split():
    return digits_split("stratified", n_val=297, n_test=300, seed=0)


def _moved(store, start):
    return any(not np.array_equal(v, start[k]) for k, v in store.items())


def _run(loop):
    """(validation accuracy, whether the parameters moved, whether the running statistics
    moved) after `loop` trains the course's network (64-64-32-10, ReLU, BatchNorm) with
    SGD(0.1, momentum 0.9)."""
    s = _split()
    net = MLP([64, 64, 32, 10], activation="relu", batch_norm=True, seed=0)
    params, stats = ({k: v.copy() for k, v in d.items()} for d in (net.params, net.bn_state))
    loop(net, SGD(LR, momentum=MOMENTUM), s.X_train, s.Y_train, EPOCHS, BATCH, 0)
    return (net.accuracy(s.X_val, s.y_val), _moved(net.params, params),
            _moved(net.bn_state, stats))


def _accept(loop):
    accuracy, params_moved, stats_moved = _run(loop)
    if accuracy >= TARGET:     # (the exact accuracy is not printed: its last image may differ
        return True, (f"after {EPOCHS} epochs of your loop the validation accuracy is at least "
                      f"{100 * TARGET:.0f} %")                     # by machine)
    why = ("; the parameters never moved: call optimizer.step(net.params, grads) after each "
           "backprop" if not params_moved else
           "; the running statistics never moved: pass update_stats=True to backprop, or "
           "inference normalises with the initial mean 0 and variance 1" if not stats_moved
           else "")
    return False, (f"after {EPOCHS} epochs the validation accuracy is {100 * accuracy:.1f} %, "
                   f"below {100 * TARGET:.0f} %{why}")


def _without_running_stats(net, optimizer, X, Y, epochs, batch_size, seed):
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(X.shape[1])
        for start in range(0, X.shape[1] - 1, batch_size):
            batch = order[start:start + batch_size]
            _, grads = net.backprop(X[:, batch], Y[:, batch])
            optimizer.step(net.params, grads)


def _no_step(net, optimizer, X, Y, epochs, batch_size, seed):
    for _ in range(epochs):
        net.backprop(X[:, :batch_size], Y[:, :batch_size], update_stats=True)


def _parameter_count():
    return sum(MLP([64, 64, 32, 10], activation="relu", batch_norm=True, seed=0).n_params().values())


EXERCISES = [
    FunctionExercise(
        "12.1", "a training loop of your own",
        hints=["An epoch: shuffle the column indices (rng.permutation), walk through them in "
               "slices of batch_size, and for each slice take one step.",
               "One step: C, grads = net.backprop(X[:, idx], Y[:, idx], update_stats=True), then "
               "optimizer.step(net.params, grads). Skip a last slice of one example (BatchNorm "
               "needs two)."],
        reference=train_loop, cases=None, rtol=None, accept=_accept,
        mistakes=[Mistake(_without_running_stats, "the running statistics never moved"),
                  Mistake(_no_step, "the parameters never moved")]),
    NumberExercise(
        "12.2", "the parameters of the course's network",
        hints=["Count Wˡ (nˡ × nˡ⁻¹) and bˡ (nˡ) for each of the 3 layers.",
               "BatchNorm adds γˡ and βˡ (nˡ each) to the two hidden layers; the running mean "
               "and variance are not learned."],
        reference=_parameter_count, rtol=0,
        mistakes=[Mistake(6570, "BatchNorm's γ and β are learned too: 2 × (64 + 32) more"),
                  Mistake(6656, "the biases bˡ count too (64 + 32 + 10)"),
                  Mistake(6464, "the biases bˡ and BatchNorm's γ, β count too"),
                  Mistake(6954, "the running mean and variance are averages, not parameters")]),
]
