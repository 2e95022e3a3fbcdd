"""The float32 option: every array keeps the network's dtype, the gradients agree with float64
to float32's precision, and training reaches the same accuracy without warnings."""
import warnings

import numpy as np
import pytest

from course_lib import MLP, SGD, Adam, activations, digits_split
from course_lib.training import default_setup, train
from tests.strict import warnings_as_errors


@pytest.mark.parametrize("name", [*activations.HIDDEN, "softmax"])
def test_activations_keep_float32(name):
    act = activations.get(name)
    z = np.linspace(-3, 3, 12, dtype=np.float32).reshape(3, 4)
    assert act(z).dtype == np.float32
    assert act.backward(z, np.ones_like(z)).dtype == np.float32
    assert act(np.arange(4).reshape(2, 2)).dtype == np.float64  # integers become float64


@pytest.mark.parametrize("batch_norm", [False, True])
def test_float32_gradients_match_float64(batch_norm):
    sizes, rng = [6, 5, 4, 3], np.random.default_rng(0)
    X, y = rng.normal(size=(6, 8)), rng.integers(0, 3, size=8)
    n64 = MLP(sizes, activation="tanh", batch_norm=batch_norm, seed=1)
    n32 = MLP(sizes, activation="tanh", batch_norm=batch_norm, seed=1, dtype="float32")
    C64, g64 = n64.backprop(X, y)
    C32, g32 = n32.backprop(X, y)          # float64 inputs are cast at the boundary
    assert C32 == pytest.approx(C64, rel=1e-5)
    # Measure each error against the gradients' typical size, not only its own: a bias that
    # feeds BatchNorm has a gradient of exactly 0 in theory, so all float32 can give there is
    # round-off of a batch sum (ε₃₂ ≈ 6e-8 times the terms), whose size depends on the SIMD
    # level that summed it.
    typical = np.median([np.linalg.norm(g) for g in g64.values()])
    for k in g64:
        assert g32[k].dtype == np.float32 and n32.params[k].dtype == np.float32
        assert np.linalg.norm(g32[k] - g64[k]) <= 1e-5 * max(np.linalg.norm(g64[k]), typical), k


def test_optimizers_keep_float32():
    net = MLP([4, 3, 2], dtype="float32")
    C, grads = net.backprop(np.ones((4, 2)), [0, 1])
    for opt in (SGD(0.1, momentum=0.9), Adam(0.01)):
        opt.step(net.params, grads)
        opt.step(net.params, grads)
        assert all(p.dtype == np.float32 for p in net.params.values())
        assert all(a.dtype == np.float32 for st in opt.state.values() for a in st.values())


def test_float32_training_reaches_the_same_accuracy_without_warnings():
    data = digits_split()
    accuracies = {}
    for dtype in ("float64", "float32"):
        net, opt = default_setup(dtype=dtype)
        with warnings.catch_warnings():
            warnings_as_errors()
            history = train(net, opt, data.X_train, data.Y_train, data.X_val, data.Y_val,
                            progress=False)
        accuracies[dtype] = history.val_accuracy[-1]
    assert accuracies["float32"] >= 0.97
    assert abs(accuracies["float32"] - accuracies["float64"]) <= 2 / 297  # two images at most


@pytest.mark.parametrize("dtype", ["float16", "int32", np.int64, "double-ish"])
def test_bad_dtype(dtype):
    with pytest.raises(ValueError, match="Invalid dtype"):
        MLP([3, 2], dtype=dtype)
