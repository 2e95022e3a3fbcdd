"""Nothing is lost on divergence: when train stops with "diverged at epoch k", the network keeps
its last finite parameters (as they were before the step that blew up), predict and accuracy
work without a warning, and training goes on after lowering the learning rate."""
import warnings

import numpy as np
import pytest

from course_lib import MLP, SGD, AdaGrad, Adam, RMSprop, default_setup, digits_split, train


@pytest.fixture(scope="module")
def split():
    return digits_split("stratified")


def state(net):
    return {k: v.copy() for k, v in [*net.params.items(), *net.bn_state.items()]}


def record_states(net):
    """Keep a copy of the network's whole state before every backprop of the training loop, the
    moment train takes its own copy."""
    seen, backprop = [], net._backprop

    def recording(*args, **kwargs):
        seen.append(state(net))
        return backprop(*args, **kwargs)
    net._backprop = recording
    return seen


# (name, network, optimizer, epochs[, shuffling seed]); the comment gives the step that blows up
RUNS = [
    *[(f"SGD lr=1e3 seed {s}", lambda s=s: default_setup(seed=s, batch_norm=False)[0],
       lambda: SGD(1e3), 2) for s in range(3)],                                   # step 1
    *[(f"SGD momentum lr=1e3 BatchNorm seed {s}", lambda s=s: default_setup(seed=s)[0],
       lambda: SGD(1e3, momentum=0.9), 2) for s in range(3)],
    ("Adam lr=1e3 BatchNorm", lambda: default_setup(seed=0)[0], lambda: Adam(1e3), 2),
    ("Adam lr=1e3", lambda: default_setup(seed=1, batch_norm=False)[0], lambda: Adam(1e3), 2),
    ("RMSprop lr=1e3", lambda: default_setup(seed=0, batch_norm=False)[0], lambda: RMSprop(1e3), 2),
    ("AdaGrad lr=1e3 BatchNorm", lambda: default_setup(seed=0)[0], lambda: AdaGrad(1e3), 2),
    ("float32 SGD momentum lr=1e3", lambda: default_setup(seed=0, dtype="float32")[0],
     lambda: SGD(1e3, momentum=0.9), 2),
    ("float32 Adam lr=1e3", lambda: default_setup(seed=2, dtype="float32", batch_norm=False)[0],
     lambda: Adam(1e3), 2),
    ("BatchNorm all sigmoid lr=1e3",
     lambda: MLP([64, 32, 10], activation="sigmoid", batch_norm="all", seed=0),
     lambda: SGD(1e3, momentum=0.9), 2),
    ("SGD lr=10", lambda: default_setup(seed=0, batch_norm=False)[0], lambda: SGD(10.0), 2),      # 2
    ("SGD momentum lr=50 BatchNorm", lambda: default_setup(seed=0)[0],
     lambda: SGD(50.0, momentum=0.9), 2),                                         # step 2
    ("SGD momentum lr=3", lambda: default_setup(seed=1, batch_norm=False)[0],
     lambda: SGD(3.0, momentum=0.9), 2),                                          # step 4
    ("SGD momentum lr=3 BatchNorm", lambda: default_setup(seed=2)[0],
     lambda: SGD(3.0, momentum=0.9), 5, 2),                                       # step 36
    ("float32 SGD momentum lr=3 BatchNorm", lambda: default_setup(seed=2, dtype="float32")[0],
     lambda: SGD(3.0, momentum=0.9), 5, 2),
]


@pytest.mark.parametrize("make_net, make_opt, epochs, seed",
                         [pytest.param(*r[1:], *[0][:5 - len(r)], id=r[0]) for r in RUNS])
def test_divergence_keeps_the_last_finite_parameters(split, make_net, make_opt, epochs, seed):
    net, opt = make_net(), make_opt()
    seen = record_states(net)
    with warnings.catch_warnings():
        warnings.simplefilter("error")           # no overflow warnings during the diverging run
        history = train(net, opt, split.X_train, split.Y_train, split.X_val, split.Y_val,
                        epochs=epochs, seed=seed, progress=False)
    assert history.diverged
    n = history.steps
    assert history.kept_steps == max(n - 1, 0)
    kept = seen[max(n - 1, 0)]                   # the state before step n, the one that blew up
    now = state(net)
    for k in kept:
        assert np.all(np.isfinite(now[k])), k
        assert np.array_equal(now[k], kept[k]), k
        assert now[k].dtype == net.dtype
    # the optimizer's state (maybe inf or NaN) is gone, the learning rate is as given
    assert opt.t == 0 and opt.state == {} and opt.lr == make_opt().lr
    k = history.diverged_at
    assert history.message.split(":")[0] == f"diverged at epoch {k}"      # notebook 11 reads it
    assert "keeps its last finite parameters" in history.message
    assert "the optimizer's state was reset" in history.message
    del net._backprop                            # back to the class's method
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert 0.0 <= net.accuracy(split.X_val, split.y_val) <= 1.0
        assert net.predict(split.X_val).shape == (297,)
        assert np.all(np.isfinite(net.forward(split.X_val)))
        # go on with a small learning rate: the same network, the same optimizer
        opt.lr = 1e-3
        again = train(net, opt, split.X_train, split.Y_train, split.X_val, split.Y_val,
                      epochs=2, progress=False)
    assert not again.diverged and again.epoch == [1, 2]
    assert all(np.all(np.isfinite(v)) for v in state(net).values())


def test_some_runs_diverge_after_several_steps(split):
    # the restore is to the step before the blow-up, not to the start: check a late one
    net, _ = default_setup(seed=2)
    seen = record_states(net)
    h = train(net, SGD(3.0, momentum=0.9), split.X_train, split.Y_train, split.X_val,
              split.Y_val, epochs=5, seed=2, progress=False)
    assert h.diverged and h.kept_steps > 24 and h.epoch       # after a completed epoch
    assert f"those after step {h.kept_steps}; step {h.kept_steps + 1} was undone" in h.message
    assert not all(np.array_equal(seen[0][k], seen[h.kept_steps][k]) for k in seen[0])
    del net._backprop
    assert net.accuracy(split.X_val, split.y_val) > 0.5    # it had learned something by then


def test_message_is_printed_with_progress(split, capsys):
    net, _ = default_setup(seed=0)
    h = train(net, SGD(1e3), split.X_train, split.Y_train, split.X_val, split.Y_val,
              epochs=2, progress=True)
    out = capsys.readouterr().out
    assert h.diverged and f"diverged at epoch {h.diverged_at}" in out
    assert "keeps its last finite parameters (those it started with)" in out


def test_an_optimizer_without_reset_is_left_alone(split):
    class Plain:
        """A duck-typed optimizer: lr and step, no reset."""

        def __init__(self, lr):
            self.lr = lr

        def step(self, params, grads):
            for k in params:
                params[k] -= self.lr * grads[k]

    net, _ = default_setup(seed=0, batch_norm=False)
    before = state(net)
    h = train(net, Plain(1e3), split.X_train, split.Y_train, split.X_val, split.Y_val, epochs=2,
              progress=False)
    assert h.diverged and not h.optimizer_reset and "reset" not in h.message
    assert h.kept_steps == 0 and all(np.array_equal(before[k], v) for k, v in state(net).items())


def test_a_run_that_does_not_diverge_records_nothing_of_it(split):
    net, opt = default_setup(seed=0)
    h = train(net, opt, split.X_train, split.Y_train, split.X_val, split.Y_val, epochs=1,
              progress=False)
    assert not h.diverged and h.kept_steps is None and not h.optimizer_reset
    assert opt.t == h.steps                   # the optimizer keeps its state between calls
