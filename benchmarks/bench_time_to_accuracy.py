"""Time to 97 % validation accuracy on the digits: course_lib against scikit-learn and PyTorch.

Same task for every library: the stratified digits split (1500 train, 297 validation), the same
network, the same optimizer settings, mini-batches of the same size reshuffled every epoch, no
weight decay. After every epoch the validation accuracy is measured; the clock (wall time from
building the model to that measurement, all included) stops at the first epoch with ≥ 97 %.
Medians over several seeds (the seed sets the initial weights and the batch order).

Rows:
  plain      64-64-32-10, ReLU, softmax + cross-entropy, SGD lr 0.1 momentum 0.9, batch 64,
             constant learning rate: course_lib.train, scikit-learn's MLPClassifier (one
             partial_fit per epoch; it has no BatchNorm, hence this row) and PyTorch.
  batchnorm  the course's default network (BatchNorm in the hidden layers) with the same
             optimizer: course_lib against PyTorch (BatchNorm1d).
course_lib is measured in float64 and float32, peers as shipped and with one BLAS/intra-op
thread; each library's fastest setting is the one compared.
A reference row per network, "bare numpy", runs its algorithm as one function with no input
checks and no structure (same initial weights and batches as course_lib, so the same epochs, or
nearly: its operations are not course_lib's, so the last bits differ): what numpy code costs at
least, and so how close any numpy library can come to the targets. PyTorch is optional (not a
dependency of the course): without it its rows are skipped with a message. Also measured: the retrain of notebook 12's training widget
with its default settings (goal ≤ 100 ms), training only and with the redraw.

course_lib's train() runs with train_accuracy=False here: like the peers' loops (and the bare
numpy one) it measures the validation set after each epoch, not the training set as well.

Then course_lib's cost per training step at batch 64, part by part (backprop, the optimizer's
step, train()'s copy of the state before each step) and per epoch (the validation accuracy and
cost; and the training accuracy, which train() measures by default but not in this race): CPU
time of this thread, the fastest of several repetitions, on one BLAS thread as in train().
Where the time goes, and so what a change could save.

Targets: course_lib ≤ 1/3 of PyTorch's time for both networks (issue 13) and ≤ 1/20 of
scikit-learn's (issue 5, ended blocked: the bare numpy loop needs more than that itself).
Run:  .venv/bin/python benchmarks/bench_time_to_accuracy.py [--seeds 5] [--parts-only]
(any Python with course_lib importable from the repository root; torch if you want its rows).
"""
import argparse
import os
import platform
import statistics
import sys
import time
import warnings
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # the repository's course_lib

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_limits  # noqa: E402

import course_lib  # noqa: E402
from course_lib import MLP, SGD, digits_split, train  # noqa: E402
from course_lib.training import DEFAULTS  # noqa: E402

from _bare import bn_backward, bn_forward, parameters  # noqa: E402  (benchmarks/_bare.py)

TARGET = 0.97
SIZES = DEFAULTS["sizes"]
LR, MOMENTUM, BATCH = 0.1, 0.9, 64


def time_course_lib(split, seed, batch_norm, max_epochs, dtype="float64"):
    start = time.perf_counter()
    net = MLP(SIZES, activation="relu", batch_norm=batch_norm, seed=seed, dtype=dtype)
    h = train(net, SGD(LR, momentum=MOMENTUM), split.X_train, split.y_train, split.X_val,
              split.y_val, epochs=max_epochs, batch_size=BATCH, seed=seed, progress=False,
              lr_schedule="constant", callback=lambda h: h.val_accuracy[-1] >= TARGET,
              train_accuracy=False)     # like the peers' loops: the validation set only
    elapsed = time.perf_counter() - start
    reached = bool(h.val_accuracy) and h.val_accuracy[-1] >= TARGET
    return (elapsed, h.epoch[-1]) if reached else (float("inf"), max_epochs)


def _bare_epochs(split, seed, max_epochs, dtype):
    """(X_val, epochs) for the bare numpy loops: iterating `epochs` yields (epoch, batches) for
    epoch 1, 2, ..., max_epochs, the training set shuffled as course_lib's train() shuffles it
    (the same generator, seeded alike) and cut into (X, Y) views; the loop body runs with one
    BLAS thread, as train() does."""
    X = split.X_train.astype(dtype)
    Y = np.eye(SIZES[-1], dtype=dtype)[:, split.y_train]
    rng = np.random.default_rng(seed)
    m = X.shape[1]

    def epochs():
        with threadpool_limits(1, user_api="blas"):
            for epoch in range(1, max_epochs + 1):
                order = rng.permutation(m)
                Xe, Ye = X[:, order], Y[:, order]
                yield epoch, [(Xe[:, i:i + BATCH], Ye[:, i:i + BATCH]) for i in range(0, m, BATCH)]
    return split.X_val.astype(dtype), epochs()


def time_bare_numpy(split, seed, max_epochs, dtype="float32"):
    """The plain row's training as one loop of numpy calls: ReLU layers, softmax with
    cross-entropy, SGD with momentum (torch's rule), validation after every epoch."""
    start = time.perf_counter()
    net = MLP(SIZES, activation="relu", seed=seed, dtype=dtype)   # only for the initial weights
    L = net.L
    W = [None] + [net.params[f"W{l}"].copy() for l in range(1, L + 1)]
    b = [None] + [net.params[f"b{l}"].copy() for l in range(1, L + 1)]
    vW, vb = [None] * (L + 1), [None] * (L + 1)
    Xv, epochs = _bare_epochs(split, seed, max_epochs, dtype)
    for epoch, batches in epochs:
        for Xb, Yb in batches:
            a = [Xb]
            n = Xb.shape[1]
            for l in range(1, L):
                a.append(np.maximum(W[l] @ a[-1] + b[l], 0))
            z = W[L] @ a[-1] + b[L]
            e = np.exp(z - z.max(axis=0))
            delta = (e / e.sum(axis=0) - Yb) / n
            for l in range(L, 0, -1):
                gW, gb = delta @ a[l - 1].T, delta.sum(axis=1, keepdims=True)
                if l > 1:
                    delta = (W[l].T @ delta) * (a[l - 1] > 0)
                if vW[l] is None:
                    vW[l], vb[l] = gW, gb
                else:
                    vW[l] *= MOMENTUM
                    vW[l] += gW
                    vb[l] *= MOMENTUM
                    vb[l] += gb
                W[l] -= LR * vW[l]
                b[l] -= LR * vb[l]
        h = Xv
        for l in range(1, L):
            h = np.maximum(W[l] @ h + b[l], 0)
        if np.mean(np.argmax(W[L] @ h + b[L], axis=0) == split.y_val) >= TARGET:
            return time.perf_counter() - start, epoch
    return float("inf"), max_epochs


def time_bare_numpy_bn(split, seed, max_epochs, dtype="float32"):
    """The batchnorm row's training as one loop of numpy calls: BatchNorm with the batch's
    statistics after every hidden layer (running averages for the validation set, as
    course_lib), ReLU, softmax with cross-entropy, SGD with momentum (torch's rule) on all
    parameters at once (one array with views, as course_lib). A hidden layer's b is left out:
    BatchNorm subtracts the batch's mean, so b changes nothing (its gradient is 0)."""
    start = time.perf_counter()
    net = MLP(SIZES, activation="relu", batch_norm=True, seed=seed, dtype=dtype)
    L, eps, bn_momentum = net.L, net.bn_eps, net.bn_momentum
    P, G = parameters(net)
    flat, grad = P.flat, G.flat
    velocity = None
    run_mean = {l: np.zeros((SIZES[l], 1), dtype) for l in range(1, L)}
    run_var = {l: np.ones((SIZES[l], 1), dtype) for l in range(1, L)}
    Xv, epochs = _bare_epochs(split, seed, max_epochs, dtype)
    for epoch, batches in epochs:
        for Xb, Yb in batches:
            a = [Xb]
            n = Xb.shape[1]
            cache = {}
            for l in range(1, L):
                z, inv_std, mean, var = bn_forward(P[f"W{l}"] @ a[-1], eps)
                cache[l] = z, inv_std
                a.append(np.maximum(P[f"gamma{l}"] * z + P[f"beta{l}"], 0))
                run_mean[l] += bn_momentum * (mean - run_mean[l])
                run_var[l] += bn_momentum * (var - run_var[l])
            z = P[f"W{L}"] @ a[-1] + P[f"b{L}"]
            e = np.exp(z - z.max(axis=0))
            delta = (e / e.sum(axis=0) - Yb) / n
            np.matmul(delta, a[L - 1].T, out=G[f"W{L}"])
            delta.sum(axis=1, keepdims=True, out=G[f"b{L}"])
            g = (P[f"W{L}"].T @ delta) * (a[L - 1] > 0)         # ∂C/∂y of layer L − 1
            for l in range(L - 1, 0, -1):
                dz = bn_backward(g, *cache[l], P[f"gamma{l}"], G[f"gamma{l}"], G[f"beta{l}"])
                np.matmul(dz, a[l - 1].T, out=G[f"W{l}"])
                if l > 1:
                    g = (P[f"W{l}"].T @ dz) * (a[l - 1] > 0)
            if velocity is None:
                velocity = grad.copy()
            else:
                velocity *= MOMENTUM
                velocity += grad
            flat -= LR * velocity
        h = Xv
        for l in range(1, L):
            scale = P[f"gamma{l}"] / np.sqrt(run_var[l] + eps)
            h = np.maximum(scale * (P[f"W{l}"] @ h - run_mean[l]) + P[f"beta{l}"], 0)
        if np.mean(np.argmax(P[f"W{L}"] @ h + P[f"b{L}"], axis=0) == split.y_val) >= TARGET:
            return time.perf_counter() - start, epoch
    return float("inf"), max_epochs


def time_sklearn(split, seed, max_epochs):
    from sklearn.neural_network import MLPClassifier
    Xt, Xv = np.ascontiguousarray(split.X_train.T), np.ascontiguousarray(split.X_val.T)
    classes = np.arange(10)
    start = time.perf_counter()
    clf = MLPClassifier(hidden_layer_sizes=tuple(SIZES[1:-1]), activation="relu", solver="sgd",
                        learning_rate="constant", learning_rate_init=LR, momentum=MOMENTUM,
                        nesterovs_momentum=False, batch_size=BATCH, alpha=0.0, shuffle=True,
                        random_state=seed)
    for epoch in range(1, max_epochs + 1):
        clf.partial_fit(Xt, split.y_train, classes=classes)
        if clf.score(Xv, split.y_val) >= TARGET:
            return time.perf_counter() - start, epoch
    return float("inf"), max_epochs


def time_torch(split, seed, batch_norm, max_epochs):
    import torch
    from torch import nn
    torch.manual_seed(seed)
    start = time.perf_counter()
    Xt = torch.as_tensor(split.X_train.T, dtype=torch.float32)
    yt = torch.as_tensor(split.y_train)
    Xv = torch.as_tensor(split.X_val.T, dtype=torch.float32)
    yv = torch.as_tensor(split.y_val)
    layers = []
    for n_in, n_out in zip(SIZES[:-2], SIZES[1:-1]):
        layers += [nn.Linear(n_in, n_out)] + ([nn.BatchNorm1d(n_out)] if batch_norm else []) \
            + [nn.ReLU()]
    model = nn.Sequential(*layers, nn.Linear(SIZES[-2], SIZES[-1]))
    opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
    loss_fn = nn.CrossEntropyLoss()
    gen = torch.Generator().manual_seed(seed)
    m = Xt.shape[0]
    for epoch in range(1, max_epochs + 1):
        model.train()
        order = torch.randperm(m, generator=gen)
        for i in range(0, m, BATCH):
            idx = order[i:i + BATCH]
            opt.zero_grad()
            loss_fn(model(Xt[idx]), yt[idx]).backward()
            opt.step()
        model.eval()
        with torch.no_grad():
            acc = (model(Xv).argmax(dim=1) == yv).float().mean().item()
        if acc >= TARGET:
            return time.perf_counter() - start, epoch
    return float("inf"), max_epochs


def measure_all(configs, seeds):
    """{name: (median time, median epochs, median time per epoch)}. The configurations take
    turns seed by seed, so that a change in the machine's load hits all of them alike."""
    runs = {name: [] for name in configs}
    for seed in seeds:
        for name, fn in configs.items():
            runs[name].append(fn(seed))
    return {name: (statistics.median(t for t, _ in r), statistics.median(e for _, e in r),
                   statistics.median(t / e for t, e in r))
            for name, r in runs.items()}


def widget_times(repeats=7):
    from course_lib.widgets.training import WIDGET_DEFAULTS, training_widget
    w = training_widget()
    retrain, update = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        w.retrain()
        retrain.append(time.perf_counter() - t)
        t = time.perf_counter()
        w.update()
        update.append(time.perf_counter() - t)
    return statistics.median(retrain), statistics.median(update), WIDGET_DEFAULTS, w.summary()


def step_parts(split, repeats=9):
    """{(network, dtype): {part: µs}} for one step at batch 64 and one epoch's bookkeeping."""
    from course_lib._blas import one_blas_thread
    from course_lib.training import _record, _Snapshots, History

    def fastest(f, n):
        best = float("inf")
        for _ in range(repeats):
            t = time.thread_time()
            for _ in range(n):
                f()
            best = min(best, (time.thread_time() - t) / n)
        return 1e6 * best

    parts = {}
    for arch, bn in (("plain", False), ("batchnorm", True)):
        for dtype in ("float64", "float32"):
            net = MLP(SIZES, activation="relu", batch_norm=bn, seed=0, dtype=dtype)
            X = split.X_train.astype(dtype)
            Y = np.eye(SIZES[-1], dtype=dtype)[:, split.y_train]
            order = np.random.default_rng(0).permutation(X.shape[1])
            Xb, Yb = X[:, order][:, :BATCH], Y[:, order][:, :BATCH]    # a batch as train slices it
            Xv = split.X_val.astype(dtype)
            Yv = np.eye(SIZES[-1], dtype=dtype)[:, split.y_val]
            opt, snapshots = SGD(LR, momentum=MOMENTUM), _Snapshots(net)

            def validation():         # what train() measures per epoch with train_accuracy=False
                _record(net, History(), 1, LR, 0.0, None, None, Xv, Yv, split.y_val, 0.0)
            _, grads = net._backprop(Xb, Yb, update_stats=True)
            with one_blas_thread():
                p = {"backprop": fastest(lambda: net._backprop(Xb, Yb, update_stats=True), 500),
                     "optimizer step": fastest(lambda: opt.step(net.params, grads), 500),
                     "state copy": fastest(lambda: snapshots.take(0), 500),
                     "validation per epoch": fastest(validation, 50),
                     "training accuracy per epoch (not in the race)":
                         fastest(lambda: net._predict(X), 20)}
            steps = -(-X.shape[1] // BATCH)
            p["epoch (estimate)"] = steps * (p["backprop"] + p["optimizer step"]
                                             + p["state copy"]) + p["validation per epoch"]
            parts[arch, dtype] = p
    return parts


def fmt(seconds):
    return "not reached" if not np.isfinite(seconds) else f"{1e3 * seconds:,.0f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--max-epochs", type=int, default=60)
    parser.add_argument("--parts-only", action="store_true",
                        help="only the cost of a step, part by part (no peers, no widget)")
    args = parser.parse_args()
    seeds, E = range(args.seeds), args.max_epochs
    split = digits_split("stratified")
    warnings.simplefilter("ignore")    # scikit-learn's partial_fit convergence notes
    try:
        import torch
    except ImportError:
        torch = None
        print("PyTorch is not installed: its rows are skipped (pip install torch to add them).")

    import sklearn
    versions = (f"numpy {np.__version__}, scikit-learn {sklearn.__version__}"
                + (f", torch {torch.__version__}" if torch else "")
                + f"; Python {platform.python_version()}, {os.cpu_count()} CPU cores")
    load = ("; load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
            if hasattr(os, "getloadavg") else "")
    parts = step_parts(split)
    print(f"course_lib's cost at batch {BATCH} (µs of CPU time, the fastest of 9 repetitions; "
          f"{versions}{load})")
    names = list(next(iter(parts.values())))
    print("| network | dtype | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for (arch, dtype), p in parts.items():
        print(f"| {arch} | {dtype} | " + " | ".join(f"{p[k]:,.0f}" for k in names) + " |")
    print()
    if args.parts_only:
        return
    print(f"Time to {100 * TARGET:.0f} % validation accuracy, median over {args.seeds} seeds "
          f"({versions})\n")

    rows = []
    for arch, bn in (("plain", False), ("batchnorm", True)):
        configs = {("course_lib", dt): lambda s, bn=bn, dt=dt: time_course_lib(split, s, bn, E, dt)
                   for dt in ("float64", "float32")}
        if bn:
            configs["bare numpy", "float32"] = lambda s: time_bare_numpy_bn(split, s, E)
        else:
            configs["bare numpy", "float32"] = lambda s: time_bare_numpy(split, s, E)
            configs["scikit-learn", "as shipped"] = lambda s: time_sklearn(split, s, E)

            def sk_one(s):
                with threadpool_limits(1):
                    return time_sklearn(split, s, E)
            configs["scikit-learn", "1 thread"] = sk_one
        if torch is not None:
            threads = torch.get_num_threads()

            def th(n, bn=bn):
                def run(s):
                    torch.set_num_threads(n)
                    try:
                        return time_torch(split, s, bn, E)
                    finally:
                        torch.set_num_threads(threads)
                return run
            configs["PyTorch (CPU)", f"{threads} threads"] = th(threads)
            configs["PyTorch (CPU)", "1 thread"] = th(1)
        results = measure_all(configs, seeds)
        for dt in ("float64", "float32"):
            rows.append((arch, "course_lib", dt, results["course_lib", dt], None, None))
        # every library in its fastest setting, course_lib included
        ours = min((results["course_lib", dt] for dt in ("float64", "float32")), key=lambda r: r[0])
        bare = results.get(("bare numpy", "float32"))
        for peer in dict.fromkeys(name for name, _ in configs if name != "course_lib"):
            best = min((k for k in results if k[0] == peer), key=lambda k: results[k][0])
            t = results[best][0]
            floor = bare[0] / t if bare is not None and peer != "bare numpy" else None
            rows.append((arch, peer, best[1], results[best], ours[0] / t, floor))

    print("| network | library | setting (fastest) | median time to 97 % | median epochs "
          "| median time per epoch | course_lib / peer (time to 97 %) | bare numpy / peer |")
    print("|---|---|---|---|---|---|---|---|")
    for arch, name, setting, (t, e, per), ratio, floor in rows:
        r = "" if ratio is None else f"{ratio:.2f}"
        f = "" if floor is None else f"{floor:.2f}"
        print(f"| {arch} | {name} | {setting} | {fmt(t)} | {e:g} | {fmt(per)} | {r} | {f} |")

    retrain, update, settings, summary = widget_times()
    print(f"\nTraining widget (notebook 12), default settings {settings}:")
    print(f"  retrain (training only): median {1e3 * retrain:.0f} ms   (goal ≤ 100 ms)")
    print(f"  retrain + redraw (static PNG fallback): median {1e3 * update:.0f} ms")
    print(f"  {summary}")

    print("\nTargets: course_lib ≤ 1/3 of PyTorch's time (ratio ≤ 0.33; issue 13) and ≤ 1/20 of "
          "scikit-learn's (ratio ≤ 0.05; issue 5).")
    for arch, name, setting, _, ratio, floor in rows:
        if ratio is not None and name != "bare numpy":
            goal = 1 / 3 if name.startswith("PyTorch") else 1 / 20
            verdict = "met" if ratio <= goal else "NOT met"
            reach = "" if floor is None else \
                f" (bare numpy: {floor:.2f}, {'within' if floor <= goal else 'beyond'} the target)"
            print(f"  {arch}, {name}: ratio {ratio:.2f} → target {verdict}{reach}")
    print(f"  widget retrain {1e3 * retrain:.0f} ms → goal {'met' if retrain <= 0.1 else 'NOT met'}")
    load = ("; load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())
            if hasattr(os, "getloadavg") else "")
    print(f"\n(course_lib {course_lib.__version__}{load})")


if __name__ == "__main__":
    main()
