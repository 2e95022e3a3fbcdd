"""A training loop: shuffled mini-batches, an optimizer step per batch, a history per epoch.

    net, optimizer = default_setup()
    split = digits_split()
    history = train(net, optimizer, split.X_train, split.Y_train, split.X_val, split.Y_val)

Backprop computes the gradients, the optimizer applies them (course_lib.optimizers); this loop
only orders the examples and keeps the score. A run whose cost blows up is stopped and reported
("diverged at epoch k"): that is a lesson about the learning rate, not a crash.

When is a run "diverged"? When a mini-batch's cost is no longer finite, or when it exceeds
DIVERGENCE_FACTOR times the cost before training (or than 1, if that cost was smaller: a network
that is already trained may start near 0). The second rule is needed because softmax
with cross-entropy rarely overflows: computed from z by log-sum-exp, the cost of a network
whose weights have exploded is huge but finite (a confident wrong answer costs |z| nats), and
the output error a − y stays bounded, so such a run drifts instead of producing NaN.

Nothing is lost on divergence: before every step the loop copies the network's state (params
and BatchNorm's bn_state) into one of two buffers, so when step n turns out to have blown up
(the next cost is too large or not finite, the gradients or the parameters are not finite) the
network is put back as it was before step n: its last finite parameters. The optimizer's state
(momentum, running averages) may hold inf or NaN by then, so it is reset. Lower optimizer.lr
and call train again to continue. The copy costs about 4 µs per step, 1-2 % of the default
15-epoch run (a copy per epoch would be cheaper, but could only go back to the epoch's start).
"""
import time
from dataclasses import dataclass, field

import numpy as np

from ._blas import one_blas_thread
from ._flat import FlatDict
from ._checks import (InputTypeError, NonFiniteError, choice, count, describe, flag, labels, loose_array,
                      matrix, positive, seed as _seed)
from .network import MLP
from .optimizers import SGD, Optimizer
from .stochastic import Schedule, schedule as _named_schedule

# The course's defaults for the digits, chosen by trying a few on validation: 15 epochs with the
# learning rate decaying linearly. Notebook 12 measures them on three stratified 1200/297/300
# splits × 5 seeds: 97.9 ± 0.5 % validation accuracy (single runs 97.3–98.7 %; an RBF SVM
# 99.2 ± 0.8 %), in under a second a run, and then reports the test accuracy once.
DEFAULTS = {
    "sizes": [64, 64, 32, 10],
    "activation": "relu",
    "batch_norm": True,
    "optimizer": "sgd",
    "lr": 0.1,
    "momentum": 0.9,
    "epochs": 15,
    "batch_size": 64,
    "lr_schedule": "linear",
}
SCHEDULES = ("linear", "cosine", "constant")
"""lr_schedule names train knows; a course_lib.stochastic Schedule object is accepted too."""
DIVERGENCE_FACTOR = 10.0


def default_setup(seed=0, **overrides):
    """(net, optimizer) with the course's defaults; `overrides` may change sizes, activation,
    batch_norm, lr, momentum and dtype (epochs, batch_size and lr_schedule are train's
    defaults)."""
    allowed = ("sizes", "activation", "batch_norm", "lr", "momentum", "dtype")
    for key in overrides:
        if key not in allowed:
            raise ValueError(f"Unknown setting {key!r} for default_setup; expected one of "
                             f"{list(allowed)} (epochs, batch_size, lr_schedule go to train)")
    cfg = {**DEFAULTS, **overrides}
    net = MLP(cfg["sizes"], activation=cfg["activation"], seed=seed, batch_norm=cfg["batch_norm"],
              dtype=cfg.get("dtype", "float64"))
    return net, SGD(cfg["lr"], momentum=cfg["momentum"])


@dataclass
class History:
    """Per-epoch record of a run. Lists have one entry per completed epoch.

    cost: mean cost over the epoch's mini-batches; train_accuracy, val_accuracy: fractions in
    [0, 1] after the epoch (inference mode; train_accuracy NaN if train(..., train_accuracy=False));
    time: seconds since the start of training.
    diverged_at: the epoch in which the cost blew up (None if it never did); initial_cost: the
    cost of the first mini-batch before any step, which the divergence rule compares with.
    steps: optimizer steps taken. After divergence, kept_steps: the network was put back to its
    state after that many steps (before the step that blew up: its last finite parameters), and
    optimizer_reset says whether the optimizer's state was cleared.
    lr: the learning rate the epoch used (its schedule); val_cost: the mean cost on the
    validation set after the epoch (inference mode; `cost` is measured during the epoch, in
    training mode, while the parameters move). best_epoch: the epoch with the highest validation
    accuracy (ties: the lower validation cost, then the earlier epoch). With early stopping,
    stopped_early says whether patience ran out, and restored_best whether the network was put
    back to best_epoch's parameters.
    """

    epoch: list = field(default_factory=list)
    cost: list = field(default_factory=list)
    train_accuracy: list = field(default_factory=list)
    val_accuracy: list = field(default_factory=list)
    time: list = field(default_factory=list)
    diverged_at: int | None = None
    initial_cost: float | None = None
    steps: int = 0
    kept_steps: int | None = None
    optimizer_reset: bool = False
    lr: list = field(default_factory=list)
    val_cost: list = field(default_factory=list)
    best_epoch: int | None = None
    stopped_early: bool = False
    restored_best: bool = False

    @property
    def diverged(self):
        return self.diverged_at is not None

    @property
    def message(self):
        """A one-line, deterministic description of the outcome. After divergence:
        "diverged at epoch k: ... (the learning rate is too large); the network keeps its last
        finite parameters (those after step n; step n + 1 was undone) and the optimizer's state
        was reset"."""
        if self.diverged:
            k = self.kept_steps
            kept = f"those after step {k}; step {k + 1} was undone" if k else "those it started with"
            reset = " and the optimizer's state was reset" if self.optimizer_reset else ""
            return (f"diverged at epoch {self.diverged_at}: the cost became infinite or more "
                    f"than {DIVERGENCE_FACTOR:g} times its starting value "
                    f"{max(self.initial_cost, 1.0):.3g} (the learning rate is too large); the "
                    f"network keeps its last finite parameters ({kept}){reset}")
        if not self.epoch:
            return "not trained"
        train = "" if np.isnan(self.train_accuracy[-1]) else \
            f"train accuracy {100 * self.train_accuracy[-1]:.2f} %, "
        return (f"epoch {self.epoch[-1]}: cost {self.cost[-1]:.4f}, {train}validation accuracy "
                f"{100 * self.val_accuracy[-1]:.2f} %")

    def best(self):
        """(epoch, validation accuracy, validation cost) of best_epoch; None before any."""
        if self.best_epoch is None:
            return None
        i = self.epoch.index(self.best_epoch)
        return self.best_epoch, self.val_accuracy[i], self.val_cost[i]

    def epochs_to(self, accuracy):
        """The first epoch whose validation accuracy reached `accuracy`, or None."""
        for e, acc in zip(self.epoch, self.val_accuracy):
            if acc >= accuracy:
                return e
        return None


def epoch_schedule(lr_schedule, lr0, epochs):
    """The learning rates `train` uses: a course_lib.stochastic Schedule `sched`, where epoch
    e = 1..epochs runs at sched(e − 1).

    "linear": from lr0 down towards 0, lr0 (1 − (e − 1)/epochs) (Linear with T = epochs);
    "cosine": half a cosine from lr0 towards 0 (Cosine with T = epochs); "constant": lr0.
    A Schedule object is used as it is (its own η₀; the optimizer's lr is then not read).
    """
    if isinstance(lr_schedule, Schedule):
        return lr_schedule
    name = choice(lr_schedule, SCHEDULES, "lr_schedule")
    lr0 = positive(lr0, "lr0 (the optimizer's learning rate)")
    epochs = count(epochs, "epochs")
    return _named_schedule(name, lr0) if name == "constant" else \
        _named_schedule(name, lr0, T=epochs)


def _labels_of(net, Y, m, name):
    """Integer labels (m,) from one-hot (nᴸ, m) targets or from labels (m,)."""
    arr = loose_array(Y, name)     # None if ragged: matrix() below says so
    if arr is not None and arr.ndim == 1:
        if arr.shape[0] != m:
            raise ValueError(f"{name} has shape {arr.shape}; expected ({m},), one label per column of X")
        return labels(arr, net.sizes[-1], name)
    Y = matrix(Y, name, rows=net.sizes[-1], cols=m)
    hot = Y == 1
    bad = ~(hot | (Y == 0)).all(axis=0) | (hot.sum(axis=0) != 1)
    if bad.any():
        j = int(np.argmax(bad))
        raise ValueError(f"{name}'s column {j} is {Y[:, j]}; expected one-hot columns (a single 1, "
                         f"zeros elsewhere): train learns one class per example ({int(bad.sum())} "
                         "column(s) are not one-hot; or pass integer labels of shape (m,))")
    return np.argmax(Y, axis=0)


def _check_state(net):
    """The network's parameters and running statistics must be finite to start from."""
    for store, what in ((net.params, "net.params"), (net.bn_state, "net.bn_state")):
        for k, v in store.items():
            if not np.all(np.isfinite(v)):
                raise ValueError(f"{what}[{k!r}] contains NaN or inf; expected finite numbers to "
                                 "train from (set by hand? start from a fresh MLP)")


class _Snapshots:
    """Copies of the network's state (params and bn_state). The training loop refreshes two in
    turn before each step: when step n blows up, the copy from before step n is still there.
    Parameters that are one array (_flat.py) are copied in one call; a copy remembers their
    layout (or their names), so it is put back name by name even if a callback replaced a
    parameter array in between."""

    def __init__(self, net, slots=2):
        self.net = net
        self.slots = [None] * slots
        for slot in range(slots):
            self.take(slot)

    def take(self, slot):
        params, saved = self.net.params, self.slots[slot]
        flat = getattr(params, "flat", None)
        key, live = (params.layout, [flat]) if flat is not None else \
            (tuple(params), list(params.values()))
        live += self.net.bn_state.values()
        if saved is None or not (saved[0] is key or saved[0] == key) or len(saved[1]) != len(live):
            self.slots[slot] = (key, [a.copy() for a in live])
            return
        for buf, a in zip(saved[1], live):
            np.copyto(buf, a)

    def restore(self, slot):
        key, bufs = self.slots[slot]
        params, n_params = self.net.params, len(bufs) - len(self.net.bn_state)
        if key and isinstance(key[0], tuple):          # a layout: params were one array
            for name, view in FlatDict(bufs[0], key).items():
                np.copyto(params[name], view)
        else:
            for name, buf in zip(key, bufs[:n_params]):
                np.copyto(params[name], buf)
        for buf, a in zip(bufs[n_params:], self.net.bn_state.values()):
            np.copyto(a, buf)


def train(net, optimizer, X_train, Y_train, X_val, Y_val, epochs=DEFAULTS["epochs"],
          batch_size=DEFAULTS["batch_size"], seed=0, progress=True, callback=None,
          lr_schedule=DEFAULTS["lr_schedule"], early_stopping=None, eval_every=1,
          train_accuracy=True):
    """Train `net` in place with `optimizer` on shuffled mini-batches; return a History.

    X_train: (n⁰, m), Y_train: one-hot (nᴸ, m) or labels (m,); the same for X_val, Y_val.
    Each epoch shuffles the columns with numpy.random.default_rng(seed) and takes steps on
    batches of `batch_size` columns (the last one may be smaller; a batch that is the whole set
    is not shuffled: its order cannot change the step); with BatchNorm each step also moves
    the running statistics. `progress`: show a progress bar (tqdm).
    lr_schedule="linear": epoch e (1..epochs) uses the learning rate η₀ (1 − (e − 1)/epochs),
    falling from the optimizer's lr η₀ towards 0; "cosine" falls along half a cosine;
    "constant" keeps η₀; or a course_lib.stochastic Schedule, called with e − 1 (see
    `epoch_schedule`). The optimizer's lr is set back to η₀ at the end.
    eval_every=k: measure (and record in the history) only every k-th epoch and the last one:
    a full-batch run of thousands of one-step epochs need not evaluate after each step.
    train_accuracy=False: measure the validation set only; history.train_accuracy then holds
    NaN (a pass over the whole training set per recorded epoch saved, as when only the
    validation accuracy decides when to stop).
    early_stopping=p: stop once p epochs have passed since the best validation accuracy so
    far (history.best_epoch), and in any case end with the network put back to the
    parameters (and BatchNorm statistics) of its best epoch. None (default): no stopping; the
    network keeps its last parameters.
    `callback(history)`: called after every recorded epoch (e.g. to redraw live curves); if it
    returns True, training stops there.
    With BatchNorm every batch needs 2 examples or more: a last batch of one example joins the
    batch before it.
    Bad inputs raise ValueError (TypeError for wrong types) before anything changes; an
    optimizer already tied to another network's parameters is refused (optimizers.py).
    If a mini-batch's cost is not finite or exceeds DIVERGENCE_FACTOR × max(starting cost, 1)
    (or the gradients or parameters are not finite), the run stops: history.diverged_at = k and
    history.message says "diverged at epoch k". The network then keeps its last finite
    parameters, those from before the step that blew up (params and bn_state are restored),
    and the optimizer is reset; lower optimizer.lr and call train again to go on.
    """
    if not isinstance(net, MLP):
        raise InputTypeError(f"net must be a course_lib MLP; got {describe(net)}")
    if not callable(getattr(optimizer, "step", None)) or not hasattr(optimizer, "lr"):
        raise InputTypeError(f"optimizer must have an lr and a step(params, grads) method; "
                             f"got {describe(optimizer)}")
    lr0 = positive(optimizer.lr, "optimizer.lr (the learning rate)")
    epochs, batch_size = count(epochs, "epochs"), count(batch_size, "batch_size")
    seed, progress = _seed(seed), flag(progress, "progress")
    X_train, X_val = net.check_X(X_train, "X_train"), net.check_X(X_val, "X_val")
    y_train = _labels_of(net, Y_train, X_train.shape[1], "Y_train")
    y_val = _labels_of(net, Y_val, X_val.shape[1], "Y_val")
    sched = epoch_schedule(lr_schedule, lr0, epochs)
    eval_every = count(eval_every, "eval_every")
    train_accuracy = flag(train_accuracy, "train_accuracy")
    if early_stopping is not None:
        early_stopping = count(early_stopping, "early_stopping (the patience, in epochs)")
    if callback is not None and not callable(callback):
        raise InputTypeError(f"callback must be callable (a function of the history); "
                             f"got {describe(callback)}")
    if net.bn_layers and (X_train.shape[1] < 2 or batch_size < 2):
        raise ValueError(f"batch_size {batch_size} with X_train of shape {X_train.shape}: "
                         "BatchNorm in training mode needs batches of at least 2 examples; "
                         "expected batch_size ≥ 2 and 2 or more training examples")
    _check_state(net)
    if isinstance(optimizer, Optimizer):
        optimizer.claim(net.params)     # refuses another network's optimizer before any change
    Y_train = np.eye(net.sizes[-1], dtype=X_train.dtype)[:, y_train]
    rng = np.random.default_rng(seed)
    history = History()
    bar = None
    if progress:
        from tqdm.auto import tqdm
        bar = tqdm(total=epochs, desc="training", unit="epoch", leave=True)
    try:
        _loop(net, optimizer, X_train, Y_train, y_train, X_val, y_val, epochs, batch_size,
              rng, sched, history, bar, callback, early_stopping, eval_every, train_accuracy)
    finally:
        optimizer.lr = lr0
        if bar is not None:
            bar.close()
    if bar is not None and history.diverged:
        print(history.message)
    if history.diverged and callback is not None:
        callback(history)
    return history


def _loop(net, optimizer, X_train, Y_train, y_train, X_val, y_val, epochs, batch_size, rng,
          sched, history, bar, callback, patience, eval_every, train_accuracy):
    """The epochs of `train`, recorded in `history`."""
    m = X_train.shape[1]
    bounds = list(range(0, m, batch_size)) + [m]
    if net.bn_layers and len(bounds) > 2 and m - bounds[-2] == 1:
        del bounds[-2]     # a last batch of one example joins the one before (BatchNorm needs 2)
    batches = list(zip(bounds[:-1], bounds[1:]))
    snapshots = _Snapshots(net)
    best = _Snapshots(net, slots=1) if patience is not None else None   # the best epoch's state
    Y_val = np.eye(net.sizes[-1], dtype=X_val.dtype)[:, y_val]
    start = time.perf_counter()
    # A diverging run overflows on purpose; it is caught below by the finiteness checks.
    # The matrices are small: one BLAS thread is faster than several fighting over the cores.
    with np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore"), \
            one_blas_thread():
        for epoch in range(1, epochs + 1):
            optimizer.lr = sched(epoch - 1)
            if len(batches) > 1:
                order = rng.permutation(m)
                # shuffled once per epoch; each batch is then a slice (a view), not a gather
                X_epoch, Y_epoch = X_train[:, order], Y_train[:, order]
            else:     # full batch: every epoch is the same one step, in any order
                X_epoch, Y_epoch = X_train, Y_train
            total, ok = 0.0, True
            for i, j in batches:
                X, Y = X_epoch[:, i:j], Y_epoch[:, i:j]
                snapshots.take(history.steps % 2)     # the state before step history.steps + 1
                try:
                    C, grads = net._backprop(X, Y, update_stats=True)
                except NonFiniteError:                # NaN or inf inside (BatchNorm's backward)
                    ok = False
                    break
                if history.initial_cost is None:
                    history.initial_cost = C
                    limit = DIVERGENCE_FACTOR * max(C, 1.0)
                if not np.isfinite(C) or C > limit:
                    ok = False
                    break
                try:
                    optimizer.step(net.params, grads)   # it refuses NaN or inf gradients
                except ValueError as error:
                    if not isinstance(error, NonFiniteError) and \
                            all(np.all(np.isfinite(g)) for g in grads.values()):
                        raise
                    ok = False
                    break
                history.steps += 1
                total += C * X.shape[1]
            if ok and not _finite_params(net):
                ok = False
            if not ok:
                history.diverged_at = epoch
                _undo_last_step(net, optimizer, snapshots, history)
                break
            if bar is not None:
                bar.update(1)
            if epoch % eval_every and epoch != epochs:
                continue
            _record(net, history, epoch, optimizer.lr, total / m,
                    X_train if train_accuracy else None, y_train, X_val, Y_val, y_val, start)
            if history.best_epoch == epoch and best is not None:
                best.take(0)
            if bar is not None:
                bar.set_postfix(cost=f"{history.cost[-1]:.3f}",
                                val=f"{100 * history.val_accuracy[-1]:.1f}%")
            if callback is not None and callback(history) is True:
                break
            if patience is not None and epoch - history.best_epoch >= patience and epoch < epochs:
                history.stopped_early = True
                break
    if best is not None and not history.diverged and history.best_epoch is not None:
        if history.best_epoch != history.epoch[-1]:
            best.restore(0)
            history.restored_best = True


def _record(net, history, epoch, lr, cost, X_train, y_train, X_val, Y_val, y_val, start):
    """Append one epoch's measurements to `history` and move best_epoch if it is better."""
    history.epoch.append(epoch)
    history.lr.append(lr)
    history.cost.append(cost)
    # net.predict and net.cost_value without checking the inputs again; one forward pass on
    # the validation set for both
    history.train_accuracy.append(float(np.mean(net._predict(X_train) == y_train))
                                  if X_train is not None else float("nan"))
    a_val, z_val = net._output(X_val, with_z=True)
    history.val_accuracy.append(float(np.mean(np.argmax(a_val, axis=0) == y_val)))
    history.val_cost.append(float(net.cost.value(a_val, Y_val, z_val)))
    history.time.append(time.perf_counter() - start)
    best = history.best()
    if best is None or (history.val_accuracy[-1], -history.val_cost[-1]) > (best[1], -best[2]):
        history.best_epoch = epoch


def _finite_params(net):
    flat = getattr(net.params, "flat", None)
    if flat is not None:
        return bool(np.isfinite(flat).all())
    return all(np.all(np.isfinite(p)) for p in net.params.values())


def _undo_last_step(net, optimizer, snapshots, history):
    """After divergence: put the network back as it was before the last step taken (the one
    that blew up; before the run if none was), and reset the optimizer, whose state may hold
    inf or NaN."""
    n = history.steps
    snapshots.restore((n - 1) % 2 if n else 0)
    history.kept_steps = max(n - 1, 0)
    if callable(getattr(optimizer, "reset", None)):
        optimizer.reset()
        history.optimizer_reset = True
