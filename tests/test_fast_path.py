"""The network's fast path (backprop._backprop_fast, _output, batchnorm._forward_fast and
_backward_fast, Activation._backward) computes exactly what the four equations as written in
backprop.py and batchnorm.py compute: the same numbers to the last bit, not just close ones."""
import numpy as np
import pytest

from course_lib import MLP, activations, batchnorm
from course_lib.backprop import _backprop_fast, backprop, backprop_bn, feedforward_bn

HEADS = [("softmax", "cross_entropy"), ("sigmoid", "binary_cross_entropy"),
         ("identity", "quadratic"), ("softmax", "quadratic")]


def same(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b)


def network(activation, output, cost, batch_norm, dtype, seed=0):
    """A network with every parameter drawn at random (no γ of 1, no β or b of 0)."""
    net = MLP([7, 6, 5, 4], activation=activation, output=output, cost=cost,
              batch_norm=batch_norm, seed=seed, dtype=dtype)
    rng = np.random.default_rng(seed + 1)
    for k, v in net.params.items():
        net.params[k] = (v + rng.normal(0.0, 0.5, size=v.shape)).astype(dtype)
    for k, v in net.bn_state.items():
        net.bn_state[k] = (np.abs(v + rng.normal(0.0, 0.5, size=v.shape))).astype(dtype)
    return net


def data(net, m, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(0.0, 2.0, size=(net.sizes[0], m)).astype(net.dtype)
    n = net.sizes[-1]
    if net.cost.name == "cross_entropy":
        Y = np.eye(n, dtype=net.dtype)[:, rng.integers(0, n, size=m)]
    elif net.cost.name == "binary_cross_entropy":
        Y = rng.integers(0, 2, size=(n, m)).astype(net.dtype)
    else:
        Y = rng.normal(size=(n, m)).astype(net.dtype)
    return X, Y


def teaching(net, X, Y):
    """(C, grads, caches) from backprop.py's backprop / backprop_bn."""
    if not net.bn_layers:
        return (*backprop(net.params, X, Y, net.activations, net.cost), None)
    return backprop_bn(net.params, X, Y, net.activations, net.cost, net.bn_layers,
                       eps=net.bn_eps)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("batch_norm", [False, True, "all"])
@pytest.mark.parametrize("output, cost", HEADS)
@pytest.mark.parametrize("activation", activations.HIDDEN)
def test_fast_backprop_is_the_four_equations(activation, output, cost, batch_norm, dtype):
    net = network(activation, output, cost, batch_norm, dtype)
    for m in (2, 37):
        X, Y = data(net, m)
        C0, g0, caches0 = teaching(net, X, Y)
        C1, g1, caches1 = _backprop_fast(net.params, X, Y, net.activations, net.cost,
                                         net.bn_layers, eps=net.bn_eps)
        assert C0 == C1 and type(C0) is type(C1)
        assert list(g0) == list(g1) == list(net.params)
        for k in g0:
            assert same(g0[k], g1[k]), (k, np.abs(g0[k] - g1[k]).max())
        for l in net.bn_layers:
            for field in ("z_hat", "inv_std", "gamma", "mean", "var"):
                assert same(getattr(caches0[l], field), getattr(caches1[l], field)), (l, field)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("activation", [["sigmoid", "relu"], ["tanh", "elu"]])
def test_network_methods_match_the_teaching_functions(activation, dtype):
    """MLP.backprop (with the running statistics), forward, predict against backprop_bn,
    batchnorm.update_running and feedforward_bn."""
    a, b = network(activation, "softmax", "cross_entropy", "all", dtype), \
        network(activation, "softmax", "cross_entropy", "all", dtype)
    X, Y = data(a, 50)
    C0, g0, caches = teaching(a, X, Y)
    for l in a.bn_layers:
        batchnorm.update_running(a.bn_state[f"mean{l}"], a.bn_state[f"var{l}"], caches[l],
                                 a.bn_momentum)
    C1, g1 = b.backprop(X, Y, update_stats=True)
    assert C0 == C1 and all(same(g0[k], g1[k]) for k in g0)
    assert all(same(a.bn_state[k], b.bn_state[k]) for k in a.bn_state)
    for train in (False, True):
        acts = feedforward_bn(a.params, X, a.activations, a.bn_layers, a.bn_state, train=train,
                              eps=a.bn_eps)[2]
        assert same(b.forward(X, train=train), acts[-1])
        assert same(b.feedforward(X, train=train)[1][-1], acts[-1])
    inference = feedforward_bn(a.params, X, a.activations, a.bn_layers, a.bn_state,
                               train=False, eps=a.bn_eps)[2][-1]
    assert same(b.predict(X), np.argmax(inference, axis=0))


def test_other_dtypes_and_activations_take_the_teaching_path():
    """A parameter set by hand in another dtype, or an activation object of the learner's own:
    the same numbers as backprop.py's functions all the same."""
    net = network("relu", "softmax", "cross_entropy", True, "float32")
    net.params["W2"] = net.params["W2"].astype(np.float64)       # float64 in a float32 net
    X, Y = data(net, 9)
    C0, g0, _ = teaching(net, X, Y)
    C1, g1 = net.backprop(X, Y)
    assert C0 == C1 and all(same(g0[k], g1[k]) for k in g0)

    class MyTanh:
        name, elementwise = "tanh", True

        def __call__(self, z):
            return np.tanh(z)

        def prime(self, z):
            return 1.0 - np.tanh(z) ** 2

        def backward(self, z, grad_a):
            return grad_a * self.prime(z)
    net = network("tanh", "softmax", "cross_entropy", False, "float64")
    net.activations[1] = MyTanh()
    X, Y = data(net, 9)
    C0, g0, _ = teaching(net, X, Y)
    C1, g1 = net.backprop(X, Y)
    assert C0 == C1 and all(same(g0[k], g1[k]) for k in g0)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(3, 2), (16, 300)])
def test_batchnorm_fast_forward_and_backward(dtype, shape):
    rng = np.random.default_rng(5)
    z = rng.normal(3.0, 2.0, size=shape).astype(dtype)
    gamma, beta = (rng.normal(size=(shape[0], 1)).astype(dtype) for _ in range(2))
    g = rng.normal(size=shape).astype(dtype)
    y0, c0 = batchnorm.forward(z, gamma, beta, 0.01)
    y1, c1 = batchnorm._forward_fast(z.copy(), gamma, beta, 0.01)
    assert same(y0, y1)
    for field in ("z_hat", "inv_std", "gamma", "mean", "var"):
        assert same(getattr(c0, field), getattr(c1, field)), field
    for r0, r1 in zip(batchnorm.backward(g, c0), batchnorm._backward_fast(g.copy(), c0)):
        assert same(r0, r1)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_sigmoid_is_the_stable_formula(dtype):
    """σ computed as max(e, [z ≥ 0]) / (1 + e) gives what np.where(z ≥ 0, 1/(1 + e), e/(1 + e))
    gives, at ±0, ±inf, NaN, the extremes and subnormal numbers too."""
    info = np.finfo(dtype)
    special = [0.0, -0.0, np.inf, -np.inf, np.nan, info.max, -info.max, info.tiny, -info.tiny,
               info.smallest_subnormal, -info.smallest_subnormal, 1e-30, -1e-30, 88.0, -88.0,
               104.0, -104.0, 709.0, -709.0, 746.0, -746.0]
    z = np.concatenate([np.array(special, dtype=dtype),
                        np.random.default_rng(0).normal(0.0, 20.0, size=5000).astype(dtype)])
    e = np.exp(-np.abs(z))
    expected = np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    a = activations.sigmoid(z)
    assert a.dtype == dtype and np.array_equal(a, expected, equal_nan=True)
    s = activations.sigmoid(z)
    assert np.array_equal(activations.sigmoid.prime(z), s * (1.0 - s), equal_nan=True)
    zero_d = activations.sigmoid(np.asarray(dtype(0.3)))
    assert isinstance(zero_d, np.ndarray) and zero_d.shape == ()


@pytest.mark.parametrize("name", activations.HIDDEN)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_backward_from_the_output_is_backward(name, dtype):
    act = activations.get(name)
    rng = np.random.default_rng(2)
    z = rng.normal(0.0, 3.0, size=(8, 40)).astype(dtype)
    z[0, :3] = 0.0
    grad = rng.normal(size=z.shape).astype(dtype)
    assert same(act._backward(z, act(z), grad.copy()), act.backward(z, grad))
