"""The library's calls run with one BLAS thread and leave the learner's setting as it was
(course_lib/_blas.py): inside a call the count is 1, after it the one set before; nested calls and
calls from several Python threads put back the right count; and the numbers are the same as on
one thread whatever the learner chose."""
import threading
import time

import numpy as np
import pytest
from threadpoolctl import ThreadpoolController, threadpool_limits

import course_lib
from course_lib import MLP, Adam, activations, digits_split
from course_lib._blas import blas_thread_counts, one_blas_thread
from course_lib.backprop import (backprop_bn, feedforward, feedforward_bn, hidden_error,
                                 weight_gradient)


def _settable():
    """Can the BLAS libraries the limit acts on be set to 2 threads here?"""
    if not blas_thread_counts():
        return False
    with threadpool_limits(limits=2, user_api="blas"):
        return blas_thread_counts() == [2] * len(blas_thread_counts())


pytestmark = pytest.mark.skipif(not _settable(), reason="no BLAS library whose thread count "
                                "threadpoolctl can set to 2 (the limit then does nothing)")


def numpy_blas_threads():
    """The thread count of every BLAS library as threadpoolctl sees it (not through _blas.py)."""
    return sorted({lib.num_threads for lib in ThreadpoolController().select(user_api="blas")
                   .lib_controllers if lib.filepath and "numpy" in lib.filepath} or
                  {lib.num_threads for lib in ThreadpoolController().select(user_api="blas")
                   .lib_controllers})


class Spy:
    """A ReLU that records, at every use, the BLAS thread counts at that moment."""

    name, elementwise = "relu", True

    def __init__(self):
        self.seen = []

    def __call__(self, z):
        self.seen.append(tuple(blas_thread_counts()))
        return activations.relu(z)

    def prime(self, z):
        return activations.relu.prime(z)

    def backward(self, z, grad_a):
        self.seen.append(tuple(blas_thread_counts()))
        return activations.relu.backward(z, grad_a)


@pytest.fixture
def spied():
    """(net, spy, X, y): a BatchNorm network whose hidden activation is a Spy."""
    net = MLP([6, 5, 4, 3], activation="relu", batch_norm=True, seed=0)
    spy = Spy()
    net.activations[1] = net.activations[2] = spy
    rng = np.random.default_rng(0)
    return net, spy, rng.normal(size=(6, 9)), rng.integers(0, 3, size=9)


def public_calls(net, X, y):
    """{name: call} for every public entry point that multiplies matrices."""
    W2, Z, Y = net.params["W2"], np.ones((5, X.shape[1])), np.eye(3)[:, y]
    return {
        "MLP.forward": lambda: net.forward(X),
        "MLP.forward train": lambda: net.forward(X, train=True),
        "MLP.feedforward": lambda: net.feedforward(X),
        "MLP.predict": lambda: net.predict(X),
        "MLP.accuracy": lambda: net.accuracy(X, y),
        "MLP.backprop": lambda: net.backprop(X, y, update_stats=True),
        "MLP.cost_value": lambda: net.cost_value(X, y, train=True),
        "backprop.feedforward": lambda: feedforward(net.params, X, net.activations),
        "backprop.feedforward_bn": lambda: feedforward_bn(net.params, X, net.activations,
                                                          net.bn_layers),
        "backprop.backprop_bn": lambda: backprop_bn(net.params, X, Y, net.activations, net.cost,
                                                    net.bn_layers),
        "backprop.hidden_error": lambda: hidden_error(W2, np.ones((4, X.shape[1])), Z,
                                                      net.activations[1]),
        "backprop.weight_gradient": lambda: weight_gradient(Z, X),
    }


CALLS = ["MLP.forward", "MLP.forward train", "MLP.feedforward", "MLP.predict", "MLP.accuracy",
         "MLP.backprop", "MLP.cost_value", "backprop.feedforward", "backprop.feedforward_bn",
         "backprop.backprop_bn", "backprop.hidden_error", "backprop.weight_gradient"]


@pytest.mark.parametrize("name", CALLS)
def test_one_thread_inside_the_setting_back_after(spied, name):
    net, spy, X, y = spied
    call = public_calls(net, X, y)[name]
    with threadpool_limits(limits=2, user_api="blas"):
        assert blas_thread_counts() == [2] and numpy_blas_threads() == [2]
        call()
        assert blas_thread_counts() == [2], f"{name} left BLAS on {blas_thread_counts()}"
        assert numpy_blas_threads() == [2]
    if name != "backprop.weight_gradient":       # the only one that calls no activation
        assert spy.seen and set(spy.seen) == {(1,)}, f"{name} ran with {set(spy.seen)} threads"


def test_the_learners_one_thread_stays_one():
    net = MLP([6, 5, 3], seed=0)
    with threadpool_limits(limits=1, user_api="blas"):
        net.backprop(np.ones((6, 4)), [0, 1, 2, 0])
        assert blas_thread_counts() == [1]


def test_nested_calls_restore_only_at_the_outermost(spied):
    net, spy, X, y = spied
    with threadpool_limits(limits=2, user_api="blas"):
        with one_blas_thread():
            assert blas_thread_counts() == [1]
            net.forward(X)                       # a call inside a call: must not put back 2
            assert blas_thread_counts() == [1]
            with one_blas_thread():
                net.backprop(X, y)
            assert blas_thread_counts() == [1]
        assert blas_thread_counts() == [2]

        @one_blas_thread
        def outer():
            net.predict(X)
            return blas_thread_counts()
        assert outer() == [1]
        assert blas_thread_counts() == [2]


def test_an_exception_inside_still_restores():
    net = MLP([6, 5, 3], seed=0)
    with threadpool_limits(limits=2, user_api="blas"):
        with pytest.raises(ValueError, match="X has shape"):
            net.backprop(np.ones((5, 4)), [0, 1, 2, 0])      # refused by the input check
        assert blas_thread_counts() == [2]
        with pytest.raises(ZeroDivisionError):
            with one_blas_thread():
                1 / 0
        assert blas_thread_counts() == [2]


def test_train_inside_and_restored():
    split = digits_split("stratified")
    net = MLP([64, 8, 10], batch_norm=True, seed=0)
    seen = []
    with threadpool_limits(limits=2, user_api="blas"):
        course_lib.train(net, Adam(0.01), split.X_train[:, :200], split.y_train[:200],
                         split.X_val, split.y_val, epochs=2, progress=False,
                         callback=lambda h: seen.append(blas_thread_counts()))
        assert seen == [[1], [1]]
        assert blas_thread_counts() == [2]


def test_two_threads_one_count_for_the_process(spied):
    """Thread A is inside a call (held there) while thread B makes whole calls: B must not put
    back 2 while A computes, and the count is 2 again once both are out. With a save and restore
    per thread instead of one count for the process, B would restore 2 under A's feet, or A
    would restore B's 1 and leave the process on one thread."""
    net, spy, X, y = spied
    entered, release = threading.Event(), threading.Event()
    counts_in_a = []

    class Hold(Spy):
        def __call__(self, z):
            if not entered.is_set():
                entered.set()
                release.wait(10)
                counts_in_a.append(blas_thread_counts())
            return super().__call__(z)

    held = MLP([6, 5, 3], seed=1)
    held.activations[1] = Hold()
    errors = []

    def run(f):
        try:
            f()
        except Exception as e:       # pragma: no cover - reported below
            errors.append(e)

    with threadpool_limits(limits=2, user_api="blas"):
        a = threading.Thread(target=run, args=(lambda: held.forward(X),))
        a.start()
        assert entered.wait(10)
        b = threading.Thread(target=run, args=(lambda: [net.backprop(X, y) for _ in range(20)],))
        b.start()
        b.join(10)
        assert blas_thread_counts() == [1], "B put the count back while A was still inside"
        release.set()
        a.join(10)
        assert not errors, errors
        assert counts_in_a == [[1]]
        assert blas_thread_counts() == [2]

        # many calls from two threads at once: every call inside saw 1, the count is 2 after
        spy.seen.clear()
        threads = [threading.Thread(target=run, args=(lambda: [net.backprop(X, y) for _ in
                                                               range(50)],)) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        assert not errors, errors
        assert set(spy.seen) == {(1,)}
        assert blas_thread_counts() == [2]


def test_same_numbers_whatever_the_learners_threads():
    """At the full batch of the digits, OpenBLAS's products differ in the last bits between one
    thread and two (float32 here): inside the library they are always computed on one, so
    net.backprop gives the same numbers under the learner's 2 threads as under 1."""
    split = digits_split("seed")
    results = {}
    for threads in (1, 2):
        net = MLP([64, 32, 16, 10], activation=["sigmoid", "relu"], batch_norm="all",
                  bn_momentum=0.01, bn_eps=0.01, seed=0, dtype="float32")
        with threadpool_limits(limits=threads, user_api="blas"):
            C, grads = net.backprop(split.X_train, split.Y_train, update_stats=True)
            results[threads] = (C, grads, net.forward(split.X_val), net.predict(split.X_train))
    C1, g1, a1, p1 = results[1]
    C2, g2, a2, p2 = results[2]
    assert C1 == C2
    for k in g1:
        assert np.array_equal(g1[k], g2[k]), k
    assert np.array_equal(a1, a2) and np.array_equal(p1, p2)


def test_the_limit_costs_microseconds():
    """Entering and leaving costs a few µs (threadpoolctl's threadpool_limits: about 50 µs),
    a nested one less. Minimum over many tries: robust to a busy machine."""
    def fastest(f, n=300):
        best = float("inf")
        for _ in range(n):
            t = time.perf_counter()
            f()
            best = min(best, time.perf_counter() - t)
        return best

    def outermost():
        with one_blas_thread():
            pass

    with threadpool_limits(limits=2, user_api="blas"):
        assert fastest(outermost) < 15e-6
        with one_blas_thread():
            assert fastest(outermost) < 5e-6
