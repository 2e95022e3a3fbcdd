"""The training loop: defaults reach the target deterministically, divergence stops cleanly,
bad inputs are refused."""
import warnings

import numpy as np
import pytest

from course_lib import MLP, SGD, Adam, default_setup, digits_split, train
from course_lib.training import DEFAULTS


@pytest.fixture(scope="module")
def split():
    return digits_split("stratified")


def _default_run(split):
    net, optimizer = default_setup(seed=0)
    history = train(net, optimizer, split.X_train, split.Y_train, split.X_val, split.Y_val,
                    seed=0, progress=False)
    return net, history


def test_defaults_reach_97_percent_deterministically(split):
    net, first = _default_run(split)
    assert len(first.epoch) == DEFAULTS["epochs"] and not first.diverged
    assert first.val_accuracy[-1] >= 0.97, first.message
    assert net.accuracy(split.X_val, split.y_val) == first.val_accuracy[-1]
    assert first.cost[-1] < first.cost[0]
    _, second = _default_run(split)
    assert second.cost == first.cost
    assert second.val_accuracy == first.val_accuracy
    assert second.train_accuracy == first.train_accuracy


def test_history_has_one_entry_per_epoch_and_increasing_time(split):
    net, optimizer = default_setup(seed=1)
    seen = []
    history = train(net, optimizer, split.X_train, split.y_train, split.X_val, split.y_val,
                    epochs=3, batch_size=100, seed=1, progress=False,
                    callback=lambda h: seen.append(h.epoch[-1]))
    assert history.epoch == [1, 2, 3] == seen
    assert all(0.0 <= a <= 1.0 for a in history.train_accuracy + history.val_accuracy)
    assert np.all(np.diff(history.time) > 0)
    assert history.steps == 3 * int(np.ceil(split.X_train.shape[1] / 100))


def test_batchnorm_network_trains_and_moves_running_stats(split):
    net = MLP([64, 32, 16, 10], activation="relu", batch_norm=True, seed=0)
    history = train(net, Adam(0.01), split.X_train, split.Y_train, split.X_val, split.Y_val,
                    epochs=3, batch_size=64, progress=False)
    assert history.val_accuracy[-1] > 0.9
    assert not np.allclose(net.bn_state["mean1"], 0.0)


def test_large_learning_rate_stops_with_divergence_message_and_no_warning(split):
    net, _ = default_setup(seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = train(net, SGD(50.0, momentum=0.9), split.X_train, split.Y_train,
                        split.X_val, split.Y_val, epochs=10, progress=False)
    assert history.diverged
    k = history.diverged_at
    assert 1 <= k <= 10 and len(history.epoch) == k - 1
    assert f"diverged at epoch {k}" in history.message
    assert all(np.isfinite(history.cost))


def test_divergence_message_is_printed_with_progress(split, capsys):
    net, _ = default_setup(seed=0)
    history = train(net, SGD(50.0), split.X_train, split.Y_train, split.X_val, split.Y_val,
                    epochs=5, progress=True)
    assert history.diverged
    assert f"diverged at epoch {history.diverged_at}" in capsys.readouterr().out


def _bad(split, **change):
    args = dict(X_train=split.X_train, Y_train=split.Y_train, X_val=split.X_val,
                Y_val=split.Y_val, epochs=1, batch_size=32)
    args.update(change)
    net, optimizer = default_setup(seed=0)
    return net, optimizer, args


@pytest.mark.parametrize("change, words", [
    ({"X_train": np.zeros((63, 10))}, "(63, 10)"),
    ({"X_train": np.zeros(64)}, "2-D"),
    ({"Y_train": np.zeros((10, 5))}, "(10, 5)"),
    ({"Y_train": np.zeros(7, dtype=int)}, "(7,)"),
    ({"Y_val": np.full(297, 10)}, "10"),
    ({"Y_val": np.full(297, -1)}, "-1"),
    ({"epochs": 0}, "epochs: 0"),
    ({"epochs": -3}, "epochs: -3"),
    ({"epochs": 2.5}, "epochs: 2.5"),
    ({"batch_size": 0}, "batch_size: 0"),
    ({"batch_size": -1}, "batch_size: -1"),
])
def test_bad_inputs_raise_value_error(split, change, words):
    net, optimizer, args = _bad(split, **change)
    with pytest.raises(ValueError) as info:
        train(net, optimizer, progress=False, **args)
    assert words in str(info.value)


def test_nan_inputs_raise_value_error(split):
    X = split.X_train.copy()
    X[3, 5] = np.nan
    net, optimizer, args = _bad(split, X_train=X)
    with pytest.raises(ValueError, match="NaN"):
        train(net, optimizer, progress=False, **args)
    Y = split.Y_val.copy()
    Y[0, 0] = np.inf
    net, optimizer, args = _bad(split, Y_val=Y)
    with pytest.raises(ValueError, match="NaN or inf"):
        train(net, optimizer, progress=False, **args)


def test_not_a_network_or_optimizer_raise(split):
    net, optimizer, args = _bad(split)
    with pytest.raises(ValueError, match="MLP"):
        train("net", optimizer, progress=False, **args)
    with pytest.raises(ValueError, match="step"):
        train(net, 0.1, progress=False, **args)


def test_linear_schedule_decays_and_restores_lr(split):
    net, optimizer = default_setup(seed=0)
    seen = []
    train(net, optimizer, split.X_train, split.Y_train, split.X_val, split.Y_val, epochs=4,
          progress=False, callback=lambda h: seen.append(optimizer.lr))
    assert seen == pytest.approx([0.1, 0.075, 0.05, 0.025])
    assert optimizer.lr == 0.1
    with pytest.raises(ValueError, match="'exponential'"):
        train(net, optimizer, split.X_train, split.Y_train, split.X_val, split.Y_val,
              epochs=1, progress=False, lr_schedule="exponential")


def test_callback_returning_true_stops_early(split):
    net, optimizer = default_setup(seed=0)
    history = train(net, optimizer, split.X_train, split.Y_train, split.X_val, split.Y_val,
                    epochs=10, progress=False, callback=lambda h: h.epoch[-1] == 2)
    assert history.epoch == [1, 2] and not history.diverged


def test_default_setup_refuses_unknown_settings():
    with pytest.raises(ValueError, match="'epochs'"):
        default_setup(epochs=3)
    net, opt = default_setup(seed=2, lr=0.05, batch_norm=False)
    assert not net.bn_layers and opt.lr == 0.05


def test_continuing_a_trained_network_is_not_called_diverged(split):
    net, optimizer = default_setup(seed=0)
    args = (split.X_train, split.Y_train, split.X_val, split.Y_val)
    train(net, optimizer, *args, epochs=5, progress=False)
    again = train(net, optimizer, *args, epochs=3, progress=False)   # starts with a tiny cost
    assert not again.diverged and again.initial_cost < 0.1


def test_lr_is_restored_when_a_callback_fails(split):
    net, optimizer = default_setup(seed=0)

    def boom(history):        # in epoch 2 the linear schedule has lowered the lr to 0.075
        if history.epoch[-1] == 2:
            raise KeyError("from the callback")
    with pytest.raises(KeyError):
        train(net, optimizer, split.X_train, split.Y_train, split.X_val, split.Y_val, epochs=4,
              progress=False, callback=boom)
    assert optimizer.lr == 0.1


def test_schedules_give_each_epoch_its_rate(split):
    """history.lr is the rate each epoch ran at: "cosine" η₀·½(1 + cos(π(e − 1)/E)),
    "constant" η₀, and a Schedule object its own values; the optimizer gets η₀ back."""
    import math

    from course_lib.stochastic import StepDecay
    for schedule, expected in [
            ("cosine", [0.1 * 0.5 * (1 + math.cos(math.pi * k / 4)) for k in range(4)]),
            ("constant", [0.1] * 4),
            ("linear", [0.1, 0.075, 0.05, 0.025]),
            (StepDecay(0.2, every=2, factor=0.5), [0.2, 0.2, 0.1, 0.1])]:
        net, optimizer = default_setup(seed=0)
        seen = []
        history = train(net, optimizer, split.X_train, split.Y_train, split.X_val, split.Y_val,
                        epochs=4, progress=False, lr_schedule=schedule,
                        callback=lambda h: seen.append(optimizer.lr))
        assert history.lr == pytest.approx(expected, rel=1e-15) and seen == history.lr
        assert optimizer.lr == 0.1


def test_eval_every_records_every_kth_epoch_and_the_last(split):
    net, optimizer = default_setup(seed=0)
    history = train(net, optimizer, split.X_train, split.Y_train, split.X_val, split.Y_val,
                    epochs=7, eval_every=3, progress=False)
    assert history.epoch == [3, 6, 7]
    assert len(history.val_cost) == len(history.lr) == len(history.val_accuracy) == 3
    assert history.steps == 7 * int(np.ceil(split.X_train.shape[1] / DEFAULTS["batch_size"]))


def test_val_cost_is_the_inference_cost_on_the_validation_set(split):
    net, optimizer = default_setup(seed=0)
    history = train(net, optimizer, split.X_train, split.Y_train, split.X_val, split.Y_val,
                    epochs=2, progress=False)
    assert history.val_cost[-1] == pytest.approx(net.cost_value(split.X_val, split.Y_val),
                                                 rel=1e-12)
    assert history.val_cost[-1] < history.val_cost[0]


def _overfitting_run(split, early_stopping):
    """A wide network on 100 training images with a constant, large rate: validation accuracy
    peaks and then falls (or stalls) while training accuracy reaches 100 %."""
    net = MLP([64, 128, 10], activation="relu", seed=1)
    Xs, ys = split.X_train[:, :100], split.y_train[:100]
    return net, train(net, SGD(0.5, momentum=0.9), Xs, ys, split.X_val, split.y_val,
                      epochs=60, batch_size=20, progress=False, lr_schedule="constant",
                      early_stopping=early_stopping)


def test_early_stopping_restores_the_best_parameters(split):
    _, full = _overfitting_run(split, None)
    best_epoch, best_acc, _ = full.best()
    assert best_epoch < 60 - 10 and full.val_accuracy[-1] < best_acc    # it does overfit
    net, early = _overfitting_run(split, 10)
    assert early.stopped_early and early.restored_best
    # the same run up to where patience ran out: 10 epochs after the best of that prefix
    n = len(early.epoch)
    assert early.val_accuracy == full.val_accuracy[:n] and n < 60
    i = max(range(n), key=lambda k: (early.val_accuracy[k], -early.val_cost[k], -k))
    assert early.best_epoch == i + 1 and early.epoch[-1] == early.best_epoch + 10
    # the network holds the best epoch's parameters: its accuracy is the best one, and its
    # validation cost the one recorded at that epoch (bit for bit: the same arrays)
    assert net.accuracy(split.X_val, split.y_val) == early.val_accuracy[i]
    assert net.cost_value(split.X_val, split.Y_val) == early.val_cost[i]


def test_without_early_stopping_the_last_parameters_stay(split):
    net, full = _overfitting_run(split, None)
    assert not full.stopped_early and not full.restored_best
    assert net.accuracy(split.X_val, split.y_val) == full.val_accuracy[-1]


def test_without_the_training_accuracy_the_run_and_the_rest_of_the_history_are_the_same(split):
    histories = []
    for measure in (True, False):
        net, optimizer = default_setup(seed=0)
        histories.append(train(net, optimizer, split.X_train, split.Y_train, split.X_val,
                               split.Y_val, epochs=3, progress=False, train_accuracy=measure))
    full, val_only = histories
    assert all(0.5 < a <= 1 for a in full.train_accuracy)
    assert len(val_only.train_accuracy) == 3 and np.all(np.isnan(val_only.train_accuracy))
    assert val_only.val_accuracy == full.val_accuracy and val_only.val_cost == full.val_cost
    assert val_only.cost == full.cost and val_only.best_epoch == full.best_epoch
    assert "train accuracy" in full.message and "train accuracy" not in val_only.message
    assert "validation accuracy" in val_only.message


@pytest.mark.parametrize("kwargs, error, words", [
    ({"early_stopping": 0}, ValueError, "early_stopping"),
    ({"early_stopping": 2.5}, TypeError, "early_stopping"),
    ({"eval_every": 0}, ValueError, "eval_every"),
    ({"train_accuracy": "no"}, TypeError, "train_accuracy"),
])
def test_bad_early_stopping_or_eval_every_is_refused(split, kwargs, error, words):
    net, optimizer = default_setup(seed=0)
    with pytest.raises(error, match=words):
        train(net, optimizer, split.X_train, split.Y_train, split.X_val, split.Y_val,
              epochs=1, progress=False, **kwargs)
