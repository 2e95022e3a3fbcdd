"""Bad input gets a clear ValueError that names the value and what was expected."""
import numpy as np
import pytest

from course_lib import MLP, digits_split, gradient_check, one_hot


@pytest.fixture
def net():
    return MLP([4, 3, 2], seed=0)


def test_X_with_wrong_number_of_rows(net):
    with pytest.raises(ValueError, match=r"X has shape \(5, 3\); expected \(4, m\)"):
        net.forward(np.zeros((5, 3)))


def test_X_in_rows_instead_of_columns(net):
    # scikit-learn's (m, n_features) layout is caught, not silently broadcast
    with pytest.raises(ValueError, match=r"shape \(3, 4\); expected \(4, m\)"):
        net.forward(np.zeros((3, 4)))


def test_X_not_2d(net):
    with pytest.raises(ValueError, match="must be 2-D"):
        net.forward(np.zeros(4))


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_X(net, bad):
    X = np.zeros((4, 3))
    X[1, 2] = bad
    with pytest.raises(ValueError, match="NaN or inf"):
        net.backprop(X, [0, 1, 0])


def test_Y_not_matching_columns(net):
    with pytest.raises(ValueError, match=r"Y has shape \(2, 2\); expected \(2, 3\)"):
        net.backprop(np.zeros((4, 3)), np.zeros((2, 2)))
    with pytest.raises(ValueError, match=r"labels have shape \(2,\); expected \(3,\)"):
        net.backprop(np.zeros((4, 3)), [0, 1])


@pytest.mark.parametrize("labels", [[0, 2, 1], [0, -1, 1]])
def test_labels_out_of_range(net, labels):
    with pytest.raises(ValueError, match=r"must lie in 0\.\.1"):
        net.backprop(np.zeros((4, 3)), labels)
    with pytest.raises(ValueError, match=r"must lie in 0\.\.1"):
        net.accuracy(np.zeros((4, 3)), labels)


def test_fractional_labels(net):
    with pytest.raises(ValueError, match="whole numbers"):
        net.backprop(np.zeros((4, 3)), [0.0, 0.5, 1.0])


def test_one_hot_checks_labels():
    with pytest.raises(ValueError, match=r"0\.\.9; got 10"):
        one_hot([3, 10], 10)


@pytest.mark.parametrize("kwargs, message", [
    ({"activation": "swish"}, "Unknown activation 'swish'"),
    ({"output": "tanh"}, "Unknown output activation 'tanh'"),
    ({"cost": "hinge"}, "Unknown cost 'hinge'"),
    ({"output": "sigmoid", "cost": "cross_entropy"}, "'cross_entropy' does not fit output 'sigmoid'"),
    ({"output": "softmax", "cost": "binary_cross_entropy"}, "does not fit output 'softmax'"),
    ({"output": "identity", "cost": "cross_entropy"}, "does not fit output 'identity'"),
])
def test_bad_names_and_pairs(kwargs, message):
    with pytest.raises(ValueError, match=message):
        MLP([4, 3, 2], **kwargs)


@pytest.mark.parametrize("sizes, message", [
    ([4], "at least two"),
    ([], "at least two"),
    ([4, 0, 2], "contains 0"),
    ([4, -3, 2], "contains -3"),
    ([4, 2.5, 2], "contains 2.5"),
])
def test_bad_sizes(sizes, message):
    with pytest.raises(ValueError, match=message):
        MLP(sizes)


def test_gradient_check_inputs():
    x = np.ones(3)
    with pytest.raises(ValueError, match=r"shape \(2,\); expected \(3,\)"):
        gradient_check(np.sum, x, np.ones(2))
    with pytest.raises(ValueError, match="float64"):
        gradient_check(np.sum, np.ones(3, dtype=np.float32), np.ones(3))
    with pytest.raises(ValueError, match="Invalid h: 0"):
        gradient_check(np.sum, x, np.ones(3), h=0)


def test_bad_split_kind():
    with pytest.raises(ValueError, match="Unknown split kind 'random'"):
        digits_split("random")
