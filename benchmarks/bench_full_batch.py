"""Full-batch training of the source article's network: course_lib against PyTorch.

The source article's recipe: MLP([64, 32, 16, 10], activation=["sigmoid", "relu"],
batch_norm="all", bn_momentum=0.01, bn_eps=0.01), Adam(0.001), the 1500 training images of
digits_split("seed") as one batch, 5000 iterations. Everything runs with numpy's and torch's
default threading: the benchmark limits nothing (course_lib limits BLAS to one thread inside its
own calls, _blas.py).

1. The 5000 iterations, in seconds: through train() (which also measures the training and the
   validation accuracy after every epoch, here after every iteration), through the bare numpy
   reference of part 2 (its final accuracy shows it is the same training) and through a loop
   written by hand with the public API,
       C, grads = net.backprop(X, Y, update_stats=True);  opt.step(net.params, grads)
   in float64 (the default) and float32; PyTorch's loop beside them.
2. One hand-written iteration: the median over all iterations of several rounds (the
   configurations take turns, so a change in the machine's load hits them alike), course_lib
   against PyTorch (nn.Linear, nn.BatchNorm1d(eps=0.01, momentum=0.01), sigmoid/ReLU,
   nn.CrossEntropyLoss, torch.optim.Adam; float32), torch with its default threads and with one.
   Also course_lib with its BLAS limit switched off (numpy's default threads inside its calls),
   and a reference row, "bare numpy": the same iteration as one function of numpy calls with no
   checks (BareLoop), about the least numpy code can spend on it.
   Minor page faults per iteration are shown: fresh arrays of a few hundred kB (float64 at
   1500 columns) make glibc return heap memory to the system and fault it back in on every
   iteration, unless the process has already freed a larger block (a long notebook session
   usually has); see --warm-heap.

Targets (issue 13): (1) the 5000 iterations in ≤ 4 s; (2) a hand-written iteration in ≤ 0.5 ×
PyTorch's time.
Run:  python benchmarks/bench_full_batch.py [--iterations 5000] [--rounds 3] [--warm-heap]
(any Python with course_lib importable from the repository root, and torch for its rows).
"""
import argparse
import contextlib
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))   # the repository's course_lib

import numpy as np  # noqa: E402

import course_lib  # noqa: E402
from course_lib import MLP, Adam, digits_split, train  # noqa: E402
from course_lib import _blas  # noqa: E402

from _bare import bn_backward, bn_forward, parameters  # noqa: E402  (benchmarks/_bare.py)

try:
    import resource
except ImportError:          # not on Windows: no page-fault counts there
    resource = None

SIZES, ACTIVATION = [64, 32, 16, 10], ["sigmoid", "relu"]
BN_MOMENTUM, BN_EPS, LR = 0.01, 0.01, 0.001


def faults():
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt if resource else 0


def make_net(dtype, seed=0):
    return MLP(SIZES, activation=ACTIVATION, batch_norm="all", bn_momentum=BN_MOMENTUM,
               bn_eps=BN_EPS, seed=seed, dtype=dtype)


def one_thread():
    """The bare loop's one BLAS thread (course_lib takes one inside its own calls)."""
    from threadpoolctl import threadpool_limits
    return threadpool_limits(1, user_api="blas")


@contextlib.contextmanager
def blas_limit_off():
    """course_lib without its per-call BLAS limit: numpy's threads inside its calls too."""
    enter, leave = _blas._enter, _blas._exit
    _blas._enter = _blas._exit = lambda: None
    try:
        yield
    finally:
        _blas._enter, _blas._exit = enter, leave


class CourseLoop:
    """A loop written by hand with course_lib's public API."""

    def __init__(self, split, dtype):
        self.net, self.opt = make_net(dtype), Adam(LR)
        self.X, self.Y = split.X_train.astype(dtype), split.Y_train.astype(dtype)

    def step(self):
        C, grads = self.net.backprop(self.X, self.Y, update_stats=True)
        self.opt.step(self.net.params, grads)
        return C


class BareLoop:
    """A reference, not a library: the same iteration as one function of numpy calls with no
    checks and no structure, the least numpy code can spend on it. All parameters in one array
    (Adam updates it with one call per operation, as course_lib's), one gradient buffer reused,
    no b before BatchNorm (it subtracts the batch's mean: b changes nothing), σ' from a.
    Its own operations, so not course_lib's last bits."""

    def __init__(self, split, dtype):
        net = make_net(dtype)
        self.L = net.L
        self.P, self.G = parameters(net)
        self.flat, self.grad = self.P.flat, self.G.flat
        self.m1, self.v, self.t = np.zeros_like(self.flat), np.zeros_like(self.flat), 0
        self.running = {l: [np.zeros((n, 1), dtype), np.ones((n, 1), dtype)]
                        for l, n in enumerate(SIZES[1:], start=1)}
        self.X, self.Y = split.X_train.astype(dtype), split.Y_train.astype(dtype)

    def step(self):
        P, G, L, m = self.P, self.G, self.L, self.X.shape[1]
        acts, cache = [self.X], {}
        for l in range(1, L + 1):
            z, inv_std, mean, var = bn_forward(P[f"W{l}"] @ acts[-1], BN_EPS)
            cache[l] = z, inv_std
            y = P[f"gamma{l}"] * z + P[f"beta{l}"]
            for run, batch in zip(self.running[l], (mean, var)):
                run += BN_MOMENTUM * (batch - run)
            if l < L and ACTIVATION[l - 1] == "sigmoid":
                acts.append(1.0 / (1.0 + np.exp(-y)))
            elif l < L:
                acts.append(np.maximum(y, 0))
            else:
                e = np.exp(y - y.max(axis=0))
                acts.append(e / e.sum(axis=0))
        g = (acts[L] - self.Y) / m                     # ∂C/∂y of the last layer
        for l in range(L, 0, -1):
            dz = bn_backward(g, *cache[l], P[f"gamma{l}"], G[f"gamma{l}"], G[f"beta{l}"])
            np.matmul(dz, acts[l - 1].T, out=G[f"W{l}"])
            if l > 1:
                a = acts[l - 1]
                g = P[f"W{l}"].T @ dz
                g *= a * (1.0 - a) if ACTIVATION[l - 2] == "sigmoid" else (a > 0)
        self.t += 1                                    # Adam, torch's rule
        self.m1 *= 0.9
        self.m1 += 0.1 * self.grad
        self.v *= 0.999
        self.v += 0.001 * self.grad * self.grad
        denom = np.sqrt(self.v / (1.0 - 0.999 ** self.t))
        denom += 1e-8
        self.flat -= (LR / (1.0 - 0.9 ** self.t)) * self.m1 / denom

    def accuracy(self, X, y):
        a = X.astype(self.flat.dtype)
        for l in range(1, self.L + 1):
            mean, var = self.running[l]
            a = self.P[f"gamma{l}"] * (self.P[f"W{l}"] @ a - mean) / np.sqrt(var + BN_EPS) \
                + self.P[f"beta{l}"]
            if l < self.L:
                a = 1.0 / (1.0 + np.exp(-a)) if ACTIVATION[l - 1] == "sigmoid" else np.maximum(a, 0)
        return float(np.mean(np.argmax(a, axis=0) == y))


class TorchLoop:
    """The same network and step in PyTorch (float32, its default)."""

    def __init__(self, split, threads=None):
        import torch
        from torch import nn
        self.torch, self.threads = torch, threads
        torch.manual_seed(0)
        layers, n_in = [], SIZES[0]
        for n_out, act in zip(SIZES[1:], ACTIVATION + [None]):
            layers += [nn.Linear(n_in, n_out), nn.BatchNorm1d(n_out, eps=BN_EPS, momentum=BN_MOMENTUM)]
            layers += [] if act is None else [nn.Sigmoid() if act == "sigmoid" else nn.ReLU()]
            n_in = n_out
        self.model = nn.Sequential(*layers)
        self.opt = torch.optim.Adam(self.model.parameters(), lr=LR)
        self.loss = nn.CrossEntropyLoss()
        self.X = torch.as_tensor(split.X_train.T, dtype=torch.float32).contiguous()
        self.y = torch.as_tensor(split.y_train)

    @contextlib.contextmanager
    def threading(self):
        before = self.torch.get_num_threads()
        if self.threads:
            self.torch.set_num_threads(self.threads)
        try:
            yield
        finally:
            self.torch.set_num_threads(before)

    def step(self):
        self.opt.zero_grad()
        loss = self.loss(self.model(self.X), self.y)
        loss.backward()
        self.opt.step()
        return loss


def run_iterations(loop, n, threading=contextlib.nullcontext):
    """(seconds for n iterations, minor page faults per iteration)."""
    with threading():
        loop.step()                                       # first-use costs out of the clock
        f, start = faults(), time.perf_counter()
        for _ in range(n):
            loop.step()
        return time.perf_counter() - start, (faults() - f) / n


def run_train(split, dtype, n):
    net = make_net(dtype)
    start = time.perf_counter()
    h = train(net, Adam(LR), split.X_train, split.y_train, split.X_val, split.y_val, epochs=n,
              batch_size=split.X_train.shape[1], progress=False, lr_schedule="constant")
    return time.perf_counter() - start, h


def per_iteration(configs, rounds, n):
    """{name: (median ms of one iteration, page faults per iteration)}; configs take turns."""
    times = {name: [] for name in configs}
    flts = {name: [] for name in configs}
    for _ in range(rounds):
        for name, (loop, ctx) in configs.items():
            with ctx():
                loop.step()
                for _ in range(n):
                    f, t = faults(), time.perf_counter()
                    loop.step()
                    times[name].append(time.perf_counter() - t)
                    flts[name].append(faults() - f)
    return {name: (1e3 * statistics.median(times[name]), statistics.mean(flts[name]))
            for name in configs}


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    from threadpoolctl import threadpool_info
    blas = ", ".join(f"{i['internal_api']} {i.get('version')} {i.get('architecture')} "
                     f"×{i['num_threads']}" for i in threadpool_info()
                     if i["user_api"] == "blas" and "numpy" in (i.get("filepath") or ""))
    return cpu, cores, blas


def load():
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg()) \
        if hasattr(os, "getloadavg") else ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--iterations", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of the per-iteration timing")
    parser.add_argument("--per-round", type=int, default=100, help="iterations timed per round")
    parser.add_argument("--warm-heap", action="store_true",
                        help="free one 8 MB array first, as a long session will have done: "
                             "glibc then keeps freed memory instead of faulting it back in")
    args = parser.parse_args()
    if args.warm_heap:
        np.ones(1 << 20)
    try:
        import torch
    except ImportError:
        torch = None
    import threadpoolctl
    split = digits_split("seed")
    cpu, cores, blas = machine()
    print(f"{cpu}, {cores} cores; Python {platform.python_version()}, numpy {np.__version__} "
          f"(BLAS: {blas}), threadpoolctl {threadpoolctl.__version__}"
          + (f", torch {torch.__version__} ({torch.get_num_threads()} threads by default)"
             if torch else ", torch not installed (its rows are skipped)")
          + f", course_lib {course_lib.__version__}; {load()}"
          + ("; heap warmed" if args.warm_heap else ""))
    print(f"The source article's recipe: MLP({SIZES}, activation={ACTIVATION}, batch_norm='all', "
          f"bn_momentum={BN_MOMENTUM}, bn_eps={BN_EPS}), Adam({LR}), full batch of "
          f"{split.X_train.shape[1]} images\n")

    n = args.iterations
    print(f"1. {n} iterations, seconds (default threading)")
    print("| how | dtype | seconds | ms per iteration | page faults per iteration | final validation accuracy |")
    print("|---|---|---|---|---|---|")
    totals = {}
    for dtype in ("float64", "float32"):
        f = faults()
        seconds, h = run_train(split, dtype, n)
        totals["train", dtype] = seconds
        print(f"| course_lib train() | {dtype} | {seconds:.2f} | {1e3 * seconds / n:.2f} | "
              f"{(faults() - f) / n:.0f} | {100 * h.val_accuracy[-1]:.1f} % |")
    for dtype in ("float64", "float32"):
        loop = CourseLoop(split, dtype)
        seconds, flt = run_iterations(loop, n)
        totals["hand", dtype] = seconds
        acc = loop.net.accuracy(split.X_val, split.y_val)
        print(f"| course_lib, a loop by hand | {dtype} | {seconds:.2f} | {1e3 * seconds / n:.2f} | "
              f"{flt:.0f} | {100 * acc:.1f} % |")
    for dtype in ("float64", "float32"):     # the reference: the same training, so its accuracy
        loop = BareLoop(split, dtype)
        seconds, flt = run_iterations(loop, n, one_thread)
        print(f"| bare numpy (reference), one BLAS thread | {dtype} | {seconds:.2f} | "
              f"{1e3 * seconds / n:.2f} | {flt:.0f} | "
              f"{100 * loop.accuracy(split.X_val, split.y_val):.1f} % |")
    if torch is not None:
        loop = TorchLoop(split)
        seconds, _ = run_iterations(loop, n)
        totals["torch", "float32"] = seconds
        loop.model.eval()
        with torch.no_grad():
            Xv = torch.as_tensor(split.X_val.T, dtype=torch.float32)
            acc = (loop.model(Xv).argmax(dim=1).numpy() == split.y_val).mean()
        print(f"| PyTorch, a loop by hand | float32 | {seconds:.2f} | {1e3 * seconds / n:.2f} | "
              f" | {100 * acc:.1f} % |")

    print(f"\n2. One hand-written iteration, median over {args.rounds} × {args.per_round} "
          "(default threading unless said)")
    null = contextlib.nullcontext
    configs = {f"course_lib {dt}": (CourseLoop(split, dt), null) for dt in ("float64", "float32")}
    configs.update({f"course_lib {dt}, BLAS limit switched off": (CourseLoop(split, dt),
                                                                     blas_limit_off)
                    for dt in ("float64", "float32")})
    configs.update({f"bare numpy {dt} (reference, one BLAS thread)": (BareLoop(split, dt),
                                                                       one_thread)
                    for dt in ("float64", "float32")})
    if torch is not None:
        default, one = TorchLoop(split), TorchLoop(split, threads=1)
        configs[f"PyTorch ({torch.get_num_threads()} threads, default)"] = (default, default.threading)
        configs["PyTorch (1 thread)"] = (one, one.threading)
    results = per_iteration(configs, args.rounds, args.per_round)
    torch_ms = results.get(f"PyTorch ({torch.get_num_threads()} threads, default)",
                           (None,))[0] if torch else None
    print("| library | ms per iteration | page faults per iteration | / PyTorch (default threads) |")
    print("|---|---|---|---|")
    for name, (ms, flt) in results.items():
        ratio = "" if torch_ms is None else f"{ms / torch_ms:.2f}"
        print(f"| {name} | {ms:.2f} | {flt:.0f} | {ratio} |")

    print(f"\nTargets: (1) {n} iterations in ≤ 4 s; (2) a hand-written iteration ≤ 0.5 × PyTorch's.")
    for (how, dtype), seconds in totals.items():
        if how != "torch":
            print(f"  (1) {'train()' if how == 'train' else 'by hand'}, {dtype}: {seconds:.2f} s → "
                  f"{'met' if seconds <= 4 else 'NOT met'}")
    if torch_ms is not None:
        for dt in ("float64", "float32"):
            r = results[f"course_lib {dt}"][0] / torch_ms
            print(f"  (2) {dt}: {r:.2f} × PyTorch → {'met' if r <= 0.5 else 'NOT met'}")
    print(f"({load()})")


if __name__ == "__main__":
    main()
