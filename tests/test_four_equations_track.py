"""Notebook 07's claims, held to the library: BP1 in its Jacobian form, BP2 index by index, the
batch mean of BP3/BP4, the sum over paths, initialisation (LeCun/He) over several seeds, the
10-layer weight-scale experiment, and the reading-path form of the notebook's check cells."""
import json
from pathlib import Path

import numpy as np
import pytest

from course_lib import activations, costs
from course_lib.backprop import bias_gradient, hidden_error, weight_gradient
from course_lib.gradcheck import relative_error
from course_lib.inspector import (SATURATION_SIZES, backprop_trace, hidden_error_by_index,
                                  inspect_layers, jacobian, numerical_delta, output_error_general,
                                  path_sum, saturation, saturation_data, toy_problem,
                                  variance_by_layer)

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "07_four_equations.ipynb"
SEEDS = range(5)


# -- BP1 -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
def test_bp1_jacobian_form_is_a_minus_y_for_softmax_cross_entropy(seed):
    net, X, y = toy_problem(seed, "tanh")
    Y = net.check_Y(y, X.shape[1])
    t = backprop_trace(net, X, Y)
    zL, aL = t.zs[net.L], t.acts[net.L]
    general = output_error_general(activations.softmax, zL, net.cost.gradient(aL, Y))
    numeric = numerical_delta(net, X, Y, net.L)                    # the oracle
    assert relative_error(general, aL - Y) < 1e-12
    assert relative_error(general, numeric) < 1e-7
    # the elementwise form with softmax's diagonal is wrong (the seed's error)
    diagonal = net.cost.gradient(aL, Y) * aL * (1 - aL)
    assert relative_error(diagonal, numeric) > 0.1


def test_bp1_jacobian_form_reduces_to_the_elementwise_one():
    rng = np.random.default_rng(0)
    z, g = rng.normal(size=(4, 3)), rng.normal(size=(4, 3))
    for name in ("sigmoid", "tanh", "relu"):
        f = activations.get(name)
        np.testing.assert_allclose(output_error_general(f, z, g), g * f.prime(z), rtol=1e-14)
    J = jacobian(activations.softmax, z[:, 0])
    np.testing.assert_allclose(J.sum(axis=0), 0.0, atol=1e-15)    # softmax sums to 1
    assert np.count_nonzero(J - np.diag(np.diag(J))) == 12          # not diagonal
    # quadratic cost, sigmoid output: BP1 elementwise, against finite differences
    from course_lib import MLP
    net = MLP([3, 4, 2], activation="tanh", output="sigmoid", cost="quadratic", seed=1)
    X, Y = rng.normal(size=(3, 5)), rng.uniform(size=(2, 5))
    t = backprop_trace(net, X, Y)
    general = output_error_general(activations.sigmoid, t.zs[2],
                                   costs.Quadratic().gradient(t.acts[2], Y))
    assert relative_error(general, numerical_delta(net, X, Y, 2)) < 1e-7


# -- BP2 -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "elu"])
@pytest.mark.parametrize("seed", SEEDS)
def test_bp2_loops_equal_the_matrix_form_and_finite_differences(activation, seed):
    net, X, y = toy_problem(seed, activation)
    t = backprop_trace(net, X, y)
    for l in range(net.L - 1, 0, -1):
        args = (net.params[f"W{l + 1}"], t.deltas[l + 1], t.zs[l], net.activations[l])
        loops = hidden_error_by_index(*args)
        assert relative_error(loops, hidden_error(*args)) < 1e-12
        assert relative_error(loops, numerical_delta(net, X, y, l)) < 1e-7


# -- BP3 and BP4: the batch mean --------------------------------------------------------------------
@pytest.mark.parametrize("seed", SEEDS)
def test_batch_gradient_is_the_mean_of_per_example_gradients(seed):
    net, X, y = toy_problem(seed, "sigmoid", m=7)
    t = backprop_trace(net, X, y)
    reports = inspect_layers(net, X, y)
    Y = net.check_Y(y, X.shape[1])
    for l in range(1, net.L + 1):
        per_W = [net.backprop(X[:, [x]], Y[:, [x]])[1][f"W{l}"] for x in range(7)]
        per_b = [net.backprop(X[:, [x]], Y[:, [x]])[1][f"b{l}"] for x in range(7)]
        outer = [np.outer(t.deltas[l][:, x], t.acts[l - 1][:, x]) for x in range(7)]
        assert relative_error(np.mean(per_W, axis=0), np.mean(outer, axis=0)) < 1e-12
        assert relative_error(np.mean(per_W, axis=0), weight_gradient(t.deltas[l], t.acts[l - 1])) < 1e-12
        assert relative_error(np.mean(per_b, axis=0), bias_gradient(t.deltas[l])) < 1e-12
        assert relative_error(np.mean(per_W, axis=0), reports[l - 1].grad_W_numeric) < 1e-7
        assert relative_error(np.mean(per_b, axis=0), reports[l - 1].grad_b_numeric) < 1e-7


# -- the sum over paths ---------------------------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 3])
def test_sum_over_paths_equals_backprop(seed):
    net, X, y = toy_problem(seed, "tanh", sizes=(3, 4, 3, 2), m=2)
    Y = net.check_Y(y, X.shape[1])
    _, grads = net.backprop(X[:, [1]], Y[:, [1]])
    for l in range(1, net.L + 1):
        W = net.params[f"W{l}"]
        sums = np.zeros_like(W)
        for j in range(W.shape[0]):
            for k in range(W.shape[1]):
                sums[j, k], count = path_sum(net, X[:, 1], Y[:, 1], l, j, k)
                assert count == int(np.prod(net.sizes[l + 1:]))
        assert relative_error(sums, grads[f"W{l}"]) < 1e-12


# -- initialisation --------------------------------------------------------------------------------
def spread(values):
    return values.max() / values.min()


@pytest.mark.parametrize("seed", SEEDS)
@pytest.mark.parametrize("activation, input_std", [("relu", 1.0), ("tanh", 0.1)])
def test_initialisation_keeps_the_variance_within_2x_over_10_layers(activation, input_std, seed):
    var_z, var_delta = variance_by_layer(activation, 1.0, seed, input_std=input_std)
    assert len(var_z) == len(var_delta) == 10
    assert spread(var_z) < 2 and spread(var_delta) < 2
    for off in (0.25, 4.0):                       # a weight scale 4× off: vanishes or explodes
        vz, vd = variance_by_layer(activation, off, seed, input_std=input_std)
        assert max(spread(vz), spread(vd)) > 50


@pytest.mark.parametrize("seed", SEEDS)
def test_tanh_with_unit_inputs_drifts_slowly_and_sigmoid_has_no_good_scale(seed):
    vz, vd = variance_by_layer("tanh", 1.0, seed)
    assert 3 < max(spread(vz), spread(vd)) < 100          # tanh's flattening: polynomial
    for s in (0.25, 1.0, 4.0):
        assert spread(variance_by_layer("sigmoid", s, seed)[1]) > 1e3


def test_variance_by_layer_checks_its_arguments():
    with pytest.raises(ValueError, match="activation"):
        variance_by_layer("softmax")
    with pytest.raises(ValueError, match="scale"):
        variance_by_layer("tanh", 0.0)


# -- the 10-layer weight-scale experiment ----------------------------------------------------------
@pytest.fixture(scope="module")
def runs():
    data = saturation_data()
    return {(a, s): saturation(s, a, data) for a in ("sigmoid", "tanh", "relu")
            for s in (0.25, 1.0, 4.0, 16.0)}


def test_the_experiment_is_a_10_layer_network(runs):
    assert len(SATURATION_SIZES) - 1 == 10
    r = runs["sigmoid", 1.0]
    assert len(r.grad_norms) == len(r.z_std) == len(r.delta_rms) == 10 and len(r.sigma_prime) == 9


def test_at_the_right_scale_nothing_vanishes_or_explodes(runs):
    for act in ("tanh", "relu"):
        r = runs[act, 1.0]
        assert 1 / 4 < r.delta_rms[0] / r.delta_rms[-1] < 4
        assert 1 / 4 < r.z_std[-2] / r.z_std[0] < 4


def test_away_from_it_gradients_vanish_explode_or_saturate(runs):
    ratio = {k: r.delta_rms[0] / r.delta_rms[-1] for k, r in runs.items()}
    assert all(ratio[a, 0.25] < 1e-4 for a in ("sigmoid", "tanh", "relu"))
    assert ratio["relu", 4.0] > 1e3 and runs["relu", 4.0].z_std[-2] > 1e3 * runs["relu", 4.0].z_std[0]
    for act in ("tanh", "sigmoid"):
        r = runs[act, 16.0]
        assert r.saturated.max() > 0.5
        assert np.median(r.median_delta[:-1] / r.delta_rms[:-1]) < 0.02     # a few units carry it
        one = runs[act, 1.0]
        assert np.median(one.median_delta[:-1] / one.delta_rms[:-1]) > 0.3
    # the sigmoid: δ vanishes at scale 1 without any saturation; scale 4 is not yet saturated
    assert ratio["sigmoid", 1.0] < 1e-4 and runs["sigmoid", 1.0].saturated.max() == 0
    assert runs["sigmoid", 4.0].saturated.max() < 0.2 and ratio["sigmoid", 4.0] < 0.1


# -- the notebook's reading path ----------------------------------------------------------------------
def test_check_cells_are_hidden_and_print_one_tick_line():
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    checks = [c for c in nb["cells"] if "check" in c["metadata"].get("tags", [])]
    assert len(checks) >= 10
    for c in checks:
        assert c["metadata"].get("jupyter", {}).get("source_hidden") is True
        text = "".join("".join(o.get("text", "")) for o in c["outputs"])
        lines = text.strip("\n").split("\n")
        assert len(lines) == 1 and lines[0].startswith("✓ "), text
    for c in nb["cells"]:
        if c["cell_type"] == "code" and c not in checks:
            assert "assert " not in "".join(c["source"]), "".join(c["source"])[:80]
