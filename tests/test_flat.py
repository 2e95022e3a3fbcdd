"""A network's parameters and gradients as views into one array (course_lib/_flat.py), and the
optimizers' one-update-for-all path: the same numbers to the last bit as one update per array,
and back to one per array whenever the arrays are not one any more."""
import copy
import pickle

import numpy as np
import pytest

from course_lib import MLP, SGD, AdaGrad, Adam, RMSprop, train
from course_lib._checks import NonFiniteError
from course_lib._flat import FlatDict
from course_lib.bugzoo import AdamWithoutStepCount

OPTIMIZERS = {
    "sgd": lambda: SGD(0.05),
    "momentum": lambda: SGD(0.05, momentum=0.9),
    "nesterov": lambda: SGD(0.05, momentum=0.9, nesterov=True),
    "adagrad": lambda: AdaGrad(0.05),
    "rmsprop": lambda: RMSprop(0.01),
    "adam": lambda: Adam(0.01),
    "adam, weight decay": lambda: Adam(0.01, weight_decay=0.1),
    "momentum, weight decay": lambda: SGD(0.05, momentum=0.9, weight_decay=0.01),
}


def network(dtype="float64", seed=0):
    return MLP([6, 5, 4, 3], activation="tanh", batch_norm=True, seed=seed, dtype=dtype)


def data(seed=0, m=20, dtype="float64"):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(6, m)).astype(dtype),
            np.eye(3, dtype=dtype)[:, rng.integers(0, 3, size=m)])


def views_of_one_array(d):
    """Is every array of d the slice of d.flat that d.layout names?"""
    flat = d.flat
    return all(np.shares_memory(d[name], flat) and d[name].shape == shape
               and np.array_equal(d[name].ravel(), flat[a:b])
               and d[name].ctypes.data == flat[a:b].ctypes.data for name, a, b, shape in d.layout)


def test_params_and_gradients_are_views_into_one_array_each():
    net = network()
    assert type(net.params) is FlatDict and views_of_one_array(net.params)
    assert net.params.flat.size == sum(net.n_params().values())
    _, grads = net.backprop(*data())
    assert type(grads) is FlatDict and views_of_one_array(grads)
    assert grads.layout is net.params.layout and list(grads) == list(net.params)
    assert not np.shares_memory(grads.flat, net.params.flat)


def test_changes_in_place_keep_the_views_and_new_arrays_detach():
    net = network()
    p = net.params
    p["W1"] *= 2.0                       # in place (Python calls __setitem__ with the same array)
    p["b1"][:] = 1.0
    assert p.flat is not None and np.all(p.flat[p.layout[1][1]:p.layout[1][2]] == 1.0)
    p["W2"] = p["W2"] * 2.0              # another array under the name
    assert p.flat is None
    for change in (lambda d: d.pop("b1"), lambda d: d.update(b1=np.ones((5, 1))),
                   lambda d: d.__delitem__("b1"), lambda d: d.setdefault("new", 1.0),
                   lambda d: d.clear(), lambda d: d.popitem(), lambda d: d.__ior__({"x": 0})):
        d = network().params
        change(d)
        assert d.flat is None


def test_deep_copies_and_pickles_are_one_new_array_shallow_copies_the_same_arrays():
    p = network().params
    for other in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        assert type(other) is FlatDict and views_of_one_array(other)
        assert list(other) == list(p) and np.array_equal(other.flat, p.flat)
        assert not np.shares_memory(other.flat, p.flat)
    for other in (copy.copy(p), p.copy()):
        assert type(other) is FlatDict and other.flat is p.flat
        assert all(other[k] is p[k] for k in p)
    shared = copy.deepcopy({"params": p, "W1": p["W1"]})       # another reference to a view
    assert shared["W1"] is shared["params"]["W1"]
    p["W1"] = p["W1"].copy()                                   # detached: plain dicts
    for other in (copy.deepcopy(p), pickle.loads(pickle.dumps(p)), copy.copy(p)):
        assert type(other) is dict and all(np.array_equal(other[k], p[k]) for k in p)


def test_a_deep_copy_of_a_network_trains_as_the_network_does():
    net, X, Y = network(), *data()
    twin = copy.deepcopy(net)
    assert type(twin.params) is FlatDict and twin.params.flat is not net.params.flat
    opt, twin_opt = Adam(0.01), Adam(0.01)
    for _ in range(3):
        opt.step(net.params, net.backprop(X, Y, update_stats=True)[1])
        twin_opt.step(twin.params, twin.backprop(X, Y, update_stats=True)[1])
    assert twin_opt._flat is not None and np.array_equal(twin.params.flat, net.params.flat)


def run(make_opt, flat, steps=6, dtype="float64"):
    """(params, opt) after `steps` training steps; flat=False: as plain dicts of arrays."""
    net, opt = network(dtype), make_opt()
    if not flat:
        net.params = dict(net.params)
    X, Y = data(dtype=dtype)
    for _ in range(steps):
        _, grads = net.backprop(X, Y, update_stats=True)
        opt.step(net.params, grads if flat else dict(grads))
    return net.params, opt


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", OPTIMIZERS)
def test_one_update_for_all_equals_one_per_array_to_the_last_bit(name, dtype):
    flat_params, flat_opt = run(OPTIMIZERS[name], flat=True, dtype=dtype)
    params, opt = run(OPTIMIZERS[name], flat=False, dtype=dtype)
    assert flat_opt._flat is not None and opt._flat is None     # each took its own path
    assert flat_opt.t == opt.t == 6
    for k in params:
        assert flat_params[k].dtype == params[k].dtype and np.array_equal(flat_params[k], params[k])
        assert flat_opt.state[k].keys() == opt.state[k].keys()
        for key, value in opt.state[k].items():
            assert np.array_equal(flat_opt.state[k][key], value), (k, key)
            assert np.shares_memory(flat_opt.state[k][key], flat_opt._flat[1][key])


def test_the_state_stays_one_when_a_step_takes_the_per_array_path():
    """Flat steps, then one with a plain dict of gradients, then flat again: the per-array step
    updates the state's views, so the flat state sees it."""
    net, opt = network(), Adam(0.01)
    ref, ref_opt = network(), Adam(0.01)
    ref.params = dict(ref.params)
    X, Y = data()
    for k in range(5):
        _, grads = net.backprop(X, Y)
        opt.step(net.params, dict(grads) if k == 2 else grads)
        _, ref_grads = ref.backprop(X, Y)
        ref_opt.step(ref.params, dict(ref_grads))
    for k in ref.params:
        assert np.array_equal(net.params[k], ref.params[k])
        assert np.array_equal(opt.state[k]["v"], ref_opt.state[k]["v"])


def test_detached_params_fall_back_to_one_update_per_array():
    net, opt = network(), SGD(0.1, momentum=0.9)
    X, Y = data()
    for _ in range(2):
        opt.step(net.params, net.backprop(X, Y)[1])
    assert opt._flat is not None
    before = net.params["W1"].copy()
    net.params["W1"] = net.params["W1"].copy()              # detaches the dict
    _, grads = net.backprop(X, Y)
    assert net.params.flat is None and type(grads) is FlatDict       # the gradients still one,
    assert grads.layout == net.params.layout and grads.layout is not net.params.layout  # but not
    buf = opt.state["W1"]["momentum_buffer"].copy()
    opt.step(net.params, grads)
    expected = before - 0.1 * (0.9 * buf + grads["W1"])
    assert np.allclose(net.params["W1"], expected, rtol=1e-12, atol=0)
    assert np.array_equal(opt.state["W1"]["momentum_buffer"], 0.9 * buf + grads["W1"])


def test_a_non_finite_gradient_is_refused_by_name_before_anything_changes():
    net, opt = network(), Adam(0.01)
    X, Y = data()
    opt.step(net.params, net.backprop(X, Y)[1])
    _, grads = net.backprop(X, Y)
    grads["b2"][1, 0] = np.nan                               # in place: still one array
    assert grads.flat is not None and not np.isfinite(grads.flat).all()
    before = net.params.flat.copy()
    with pytest.raises(NonFiniteError, match=r"gradient for 'b2' contains NaN or inf at step 2"):
        opt.step(net.params, grads)
    assert np.array_equal(net.params.flat, before) and opt.t == 1


def test_an_update_rule_written_elsewhere_steps_each_array():
    """A subclass that overrides _update may look at the parameter's name: never flat."""
    net, opt = network(), AdamWithoutStepCount(0.01)
    X, Y = data()
    for _ in range(3):
        opt.step(net.params, net.backprop(X, Y)[1])
    assert opt._flat is None and set(opt.state) == set(net.params)


def test_reset_forgets_the_flat_state():
    net, opt = network(), Adam(0.01)
    X, Y = data()
    for _ in range(2):
        opt.step(net.params, net.backprop(X, Y)[1])
    opt.reset()
    assert opt._flat is None and opt.state == {} and opt.t == 0
    opt.step(net.params, net.backprop(X, Y)[1])
    opt.step(net.params, net.backprop(X, Y)[1])
    assert opt.t == 2 and np.shares_memory(opt.state["W1"]["m"], opt._flat[1]["m"])


def test_train_undoes_a_diverging_step_with_the_params_as_one_array():
    net, opt = network(), SGD(1e4)
    X, Y = data(m=60)
    start = net.params.flat.copy()
    h = train(net, opt, X, Y, X, Y, epochs=5, batch_size=20, progress=False)
    assert h.diverged and net.params.flat is not None and np.isfinite(net.params.flat).all()
    assert h.kept_steps == 0 and np.array_equal(net.params.flat, start)


def test_full_batch_training_does_not_shuffle():
    """One batch per epoch: the order of the columns cannot matter, so train skips the
    shuffle; the result is the one of a loop written by hand."""
    X, Y = data(m=30)
    net, opt = network(), Adam(0.01)
    h = train(net, opt, X, Y, X, Y, epochs=7, batch_size=30, lr_schedule="constant",
              progress=False)
    ref, ref_opt = network(), Adam(0.01)
    for _ in range(7):
        C, grads = ref.backprop(X, Y, update_stats=True)
        ref_opt.step(ref.params, grads)
    assert h.steps == 7 and np.array_equal(net.params.flat, ref.params.flat)
    assert all(np.array_equal(net.bn_state[k], ref.bn_state[k]) for k in ref.bn_state)


def test_train_gives_the_same_network_with_detached_params():
    """train() on a network whose params were replaced by a plain dict (one update per array,
    snapshots per array) ends where the one-array run ends, bit for bit."""
    X, Y = data(m=50)
    nets = []
    for detach in (False, True):
        net = network()
        if detach:
            net.params = dict(net.params)
        h = train(net, SGD(0.1, momentum=0.9), X, Y, X, Y, epochs=4, batch_size=16,
                  progress=False)
        nets.append((net, h))
    (flat_net, flat_h), (net, h) = nets
    assert type(net.params) is dict and flat_net.params.flat is not None
    assert all(np.array_equal(flat_net.params[k], net.params[k]) for k in net.params)
    assert flat_h.val_accuracy == h.val_accuracy and flat_h.cost == h.cost


@pytest.mark.parametrize("detach_at", ["take", "restore"])
def test_a_snapshot_goes_back_name_by_name_when_params_changed_in_between(detach_at):
    """train()'s copies of the state (before each step; the best epoch's) put every parameter
    back even if a callback replaced a parameter array between the copy and its use."""
    from course_lib.training import _Snapshots
    net = network()
    if detach_at == "take":
        net.params["b1"] = net.params["b1"].copy()           # copied name by name
    before = {k: v.copy() for k, v in net.params.items()}
    snapshots = _Snapshots(net, slots=1)
    if detach_at == "restore":
        net.params["W1"] = net.params["W1"].copy()           # copied as one array
    for v in net.params.values():
        v += 1.0
    net.bn_state["mean1"] += 1.0
    snapshots.restore(0)
    assert all(np.array_equal(net.params[k], before[k]) for k in before)
    assert np.array_equal(net.bn_state["mean1"], np.zeros_like(net.bn_state["mean1"]))
